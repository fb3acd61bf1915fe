"""Exercise 02-pooling: planted mistakes lose points, other correct code does not."""
from assignment_checks import AssignmentChecks

POOL = '''
def {name}(x, kernel_size, stride=None, padding=0):
    kh, kw = (kernel_size, kernel_size) if isinstance(kernel_size, int) else kernel_size
    if stride is None:
        sh, sw = kh, kw
    else:
        sh, sw = (stride, stride) if isinstance(stride, int) else stride
    ph, pw = (padding, padding) if isinstance(padding, int) else padding
    x = F.pad(x, (pw, pw, ph, ph){pad_value})
    windows = x.unfold(2, kh, sh).unfold(3, kw, sw)
    return windows.{reduce}(dim=(-2, -1))
'''


def _max(old: str = "", new: str = "") -> str:
    """The solution's max_pool2d with one piece changed (a targeted planted mistake)."""
    base = POOL.format(name="max_pool2d", pad_value=', value=float("-inf")', reduce="amax")
    assert old in base
    return base.replace(old, new)


def _avg(old: str = "", new: str = "") -> str:
    base = POOL.format(name="avg_pool2d", pad_value="", reduce="mean")
    assert old in base
    return base.replace(old, new)


MAX_LOOPS = '''
def max_pool2d(x, kernel_size, stride=None, padding=0):
    pair = lambda v: tuple(v) if isinstance(v, (tuple, list)) else (v, v)
    kh, kw = pair(kernel_size)
    sh, sw = pair(kernel_size if stride is None else stride)
    ph, pw = pair(padding)
    n, c, h, w = x.shape
    padded = torch.full((n, c, h + 2 * ph, w + 2 * pw), float("-inf"), dtype=x.dtype)
    padded[:, :, ph:ph + h, pw:pw + w] = x
    oh = (h + 2 * ph - kh) // sh + 1
    ow = (w + 2 * pw - kw) // sw + 1
    out = torch.empty(n, c, oh, ow, dtype=x.dtype)
    for i in range(oh):
        for j in range(ow):
            window = padded[:, :, i * sh:i * sh + kh, j * sw:j * sw + kw]
            out[:, :, i, j] = window.reshape(n, c, -1).max(dim=2).values
    return out
'''

MAX_IM2COL = '''
def max_pool2d(x, kernel_size, stride=None, padding=0):
    k = (kernel_size, kernel_size) if type(kernel_size) is int else tuple(kernel_size)
    s = k if stride is None else ((stride, stride) if type(stride) is int else tuple(stride))
    p = (padding, padding) if type(padding) is int else tuple(padding)
    n, c, h, w = x.shape
    padded = F.pad(x, (p[1], p[1], p[0], p[0]), value=-float("inf"))
    cols = F.unfold(padded.reshape(n * c, 1, *padded.shape[2:]), k, stride=s)   # (N*C, kh*kw, L)
    oh = (h + 2 * p[0] - k[0]) // s[0] + 1
    ow = (w + 2 * p[1] - k[1]) // s[1] + 1
    return cols.max(dim=1).values.reshape(n, c, oh, ow)
'''

AVG_CONV = '''
def avg_pool2d(x, kernel_size, stride=None, padding=0):
    k = (kernel_size, kernel_size) if isinstance(kernel_size, int) else tuple(kernel_size)
    s = k if stride is None else ((stride, stride) if isinstance(stride, int) else tuple(stride))
    p = (padding, padding) if isinstance(padding, int) else tuple(padding)
    c = x.shape[1]
    # a depthwise convolution whose weights are all 1 / (kh * kw)
    weight = torch.full((c, 1, *k), 1.0 / (k[0] * k[1]), dtype=x.dtype)
    return F.conv2d(x, weight, stride=s, padding=p, groups=c)
'''

AVG_CUMSUM = '''
def avg_pool2d(x, kernel_size, stride=None, padding=0):
    kh, kw = (kernel_size,) * 2 if isinstance(kernel_size, int) else kernel_size
    sh, sw = (kh, kw) if stride is None else ((stride,) * 2 if isinstance(stride, int) else stride)
    ph, pw = (padding,) * 2 if isinstance(padding, int) else padding
    n, c, h, w = x.shape
    padded = x.new_zeros(n, c, h + 2 * ph, w + 2 * pw)
    padded[:, :, ph:ph + h, pw:pw + w] = x
    oh = (h + 2 * ph - kh) // sh + 1
    ow = (w + 2 * pw - kw) // sw + 1
    rows = [padded[:, :, i * sh:i * sh + kh, :].sum(dim=2) for i in range(oh)]      # each (N, C, W')
    out = torch.stack([torch.stack([r[:, :, j * sw:j * sw + kw].sum(dim=2) for j in range(ow)], dim=-1)
                       for r in rows], dim=-2)
    return out / (kh * kw)
'''

UP_INDEX = '''
def upsample_nearest(x, scale_factor):
    h, w = x.shape[2], x.shape[3]
    rows = torch.arange(h * scale_factor) // scale_factor
    cols = torch.arange(w * scale_factor) // scale_factor
    return x[:, :, rows][:, :, :, cols]
'''

UP_EXPAND = '''
def upsample_nearest(x, scale_factor):
    n, c, h, w = x.shape
    s = scale_factor
    return x[:, :, :, None, :, None].expand(n, c, h, s, w, s).reshape(n, c, h * s, w * s)
'''


class TestPooling(AssignmentChecks):
    ASSIGNMENT = "02-pooling"
    MISTAKES = {
        "max_default_stride_one": (
            {"max_pool2d": _max("sh, sw = kh, kw", "sh, sw = 1, 1")},
            {"test_max_pool2d_default_stride"}),
        "max_stride_ignored": (
            {"max_pool2d": _max("sh, sw = (stride, stride) if isinstance(stride, int) else stride", "sh, sw = kh, kw")},
            {"test_max_pool2d_stride"}),
        "max_padding_one_side": (
            {"max_pool2d": _max("(pw, pw, ph, ph)", "(0, 2 * pw, 0, 2 * ph)")},
            {"test_max_pool2d_padding"}),
        "max_padding_zeros": (
            {"max_pool2d": _max(', value=float("-inf")', "")},
            {"test_max_pool2d_padding"}),
        "max_pair_axes_swapped": (
            {"max_pool2d": _max("unfold(2, kh, sh).unfold(3, kw, sw)", "unfold(2, kw, sw).unfold(3, kh, sh)")},
            {"test_max_pool2d_default_stride", "test_max_pool2d_stride"}),
        "max_calls_F_max_pool2d": (
            {"max_pool2d": "def max_pool2d(x, kernel_size, stride=None, padding=0):\n"
                           "    return F.max_pool2d(x, kernel_size, stride, padding)"},
            {"test_max_pool2d_from_scratch"}),
        "max_calls_nn_module": (
            {"max_pool2d": "def max_pool2d(x, kernel_size, stride=None, padding=0):\n"
                           "    return torch.nn.MaxPool2d(kernel_size, stride, padding)(x)"},
            {"test_max_pool2d_from_scratch"}),
        "avg_default_stride_one": (
            {"avg_pool2d": _avg("sh, sw = kh, kw", "sh, sw = 1, 1")},
            {"test_avg_pool2d_default_stride"}),
        "avg_stride_ignored": (
            {"avg_pool2d": _avg("sh, sw = (stride, stride) if isinstance(stride, int) else stride", "sh, sw = kh, kw")},
            {"test_avg_pool2d_stride"}),
        "avg_padding_one_side": (
            {"avg_pool2d": _avg("(pw, pw, ph, ph)", "(0, 2 * pw, 0, 2 * ph)")},
            {"test_avg_pool2d_padding"}),
        "avg_excludes_padding": (
            {"avg_pool2d": _avg("return windows.mean(dim=(-2, -1))",
                                "ones = F.pad(torch.ones_like(x[:1, :1, ph:x.shape[2] - ph, pw:x.shape[3] - pw]), (pw, pw, ph, ph))\n"
                                "    counts = ones.unfold(2, kh, sh).unfold(3, kw, sw).sum(dim=(-2, -1))\n"
                                "    return windows.sum(dim=(-2, -1)) / counts")},
            {"test_avg_pool2d_padding"}),
        "avg_calls_F_avg_pool2d": (
            {"avg_pool2d": "def avg_pool2d(x, kernel_size, stride=None, padding=0):\n"
                           "    return F.avg_pool2d(x, kernel_size, stride, padding)"},
            {"test_avg_pool2d_from_scratch"}),
        "upsample_one_axis": (
            {"upsample_nearest": "def upsample_nearest(x, scale_factor):\n"
                                 "    return x.repeat_interleave(scale_factor, dim=2)"},
            {"test_upsample_nearest_matches_pytorch"}),
        "upsample_tiles_image": (
            {"upsample_nearest": "def upsample_nearest(x, scale_factor):\n"
                                 "    return x.repeat(1, 1, scale_factor, scale_factor)"},
            {"test_upsample_nearest_matches_pytorch"}),
        "upsample_calls_interpolate": (
            {"upsample_nearest": "def upsample_nearest(x, scale_factor):\n"
                                 "    return F.interpolate(x, scale_factor=scale_factor)"},
            {"test_upsample_nearest_from_scratch"}),
        "field_forgets_stride_product": (
            {"receptive_field": "def receptive_field(layers):\n"
                                "    return 1 + sum(k - 1 for k, s in layers)"},
            {"test_receptive_field_strided"}),
        "field_includes_own_stride": (
            {"receptive_field": "def receptive_field(layers):\n"
                                "    field, jump = 1, 1\n"
                                "    for k, s in layers:\n"
                                "        jump *= s\n"
                                "        field += (k - 1) * jump\n"
                                "    return field"},
            {"test_receptive_field_strided"}),
        "field_returns_float": (
            {"receptive_field": "import math\n"
                                "def receptive_field(layers):\n"
                                "    field, jump = 1.0, 1.0\n"
                                "    for k, s in layers:\n"
                                "        field += (k - 1) * jump\n"
                                "        jump *= s\n"
                                "    return field"},
            {"test_receptive_field_stride_one", "test_receptive_field_strided"}),
        "quiz_channels_too": (
            {"quiz_answers": 'q1 = {"a", "b", "c"}\nq2 = 27\nq3 = 0\nq4 = {"a", "b", "d", "f"}\nq5 = False'},
            {"test_q1"}),
        "quiz_off_by_one": (
            {"quiz_answers": 'q1 = {"a", "b"}\nq2 = 26\nq3 = 512\nq4 = {"a", "b", "d", "e", "f"}\nq5 = True'},
            {"test_q2", "test_q3", "test_q4", "test_q5"}),
    }
    ALTERNATIVES = {
        "max_loops": {"max_pool2d": MAX_LOOPS},
        "max_im2col": {"max_pool2d": MAX_IM2COL},
        "avg_depthwise_conv": {"avg_pool2d": AVG_CONV},
        "avg_slices": {"avg_pool2d": AVG_CUMSUM},
        "upsample_by_index": {"upsample_nearest": UP_INDEX},
        "upsample_by_expand": {"upsample_nearest": UP_EXPAND},
        "field_backwards": {"receptive_field": (
            "def receptive_field(layers):\n"
            "    # walk from the last layer back to the input\n"
            "    size = 1\n"
            "    for k, s in reversed(layers):\n"
            "        size = (size - 1) * s + k\n"
            "    return size")},
        "quiz_written_differently": {"quiz_answers": (
            'q1 = set("ab")\nq2 = (55 - 3) // 2 + 1\nq3 = 0 * 512\nq4 = {"f", "d", "b", "a"}\nq5 = not True')},
    }
