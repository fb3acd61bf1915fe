"""Exercise 01-convolution: planted mistakes lose points, other correct code does not."""
from assignment_checks import AssignmentChecks

CORRECT_SIZE = "def conv_output_size(n, kernel_size, stride=1, padding=0, dilation=1):\n" \
               "    return (n + 2 * padding - dilation * (kernel_size - 1) - 1) // stride + 1\n"

LOOPS = '''
def conv2d(x, weight, bias=None, stride=1, padding=0):
    sh, sw = stride if isinstance(stride, tuple) else (stride, stride)
    ph, pw = padding if isinstance(padding, tuple) else (padding, padding)
    n, c, h, w = x.shape
    padded = torch.zeros(n, c, h + 2 * ph, w + 2 * pw, dtype=x.dtype)
    padded[:, :, ph:ph + h, pw:pw + w] = x
    out_c, _, kh, kw = weight.shape
    oh = (h + 2 * ph - kh) // sh + 1
    ow = (w + 2 * pw - kw) // sw + 1
    out = torch.zeros(n, out_c, oh, ow, dtype=x.dtype)
    for i in range(oh):
        for j in range(ow):
            window = padded[:, :, i * sh:i * sh + kh, j * sw:j * sw + kw]
            for o in range(out_c):
                out[:, o, i, j] = (window * weight[o]).sum(dim=(1, 2, 3))
    if bias is not None:
        out += bias[None, :, None, None]
    return out
'''

UNFOLD_MATMUL = '''
def conv2d(x, weight, bias=None, stride=1, padding=0):
    n, _, h, w = x.shape
    out_c, _, kh, kw = weight.shape
    stride = (stride, stride) if type(stride) is int else tuple(stride)
    padding = (padding, padding) if type(padding) is int else tuple(padding)
    cols = F.unfold(x, (kh, kw), padding=padding, stride=stride)       # (N, C*kh*kw, L)
    out = weight.reshape(out_c, -1) @ cols                              # (N, out_c, L)
    oh = (h + 2 * padding[0] - kh) // stride[0] + 1
    ow = (w + 2 * padding[1] - kw) // stride[1] + 1
    out = out.reshape(n, out_c, oh, ow)
    return out if bias is None else out + bias.reshape(1, out_c, 1, 1)
'''


def _from_solution(old: str, new: str) -> str:
    """The solution's conv2d with one line changed (a targeted planted mistake)."""
    base = '''
def conv2d(x, weight, bias=None, stride=1, padding=0):
    sh, sw = (stride, stride) if isinstance(stride, int) else stride
    ph, pw = (padding, padding) if isinstance(padding, int) else padding
    x = F.pad(x, (pw, pw, ph, ph))
    kh, kw = weight.shape[2:]
    windows = x.unfold(2, kh, sh).unfold(3, kw, sw)
    out = torch.einsum("nchwij,ocij->nohw", windows, weight)
    if bias is not None:
        out = out + bias.view(1, -1, 1, 1)
    return out
'''
    assert old in base
    return base.replace(old, new)


class TestConvolution(AssignmentChecks):
    ASSIGNMENT = "01-convolution"
    MISTAKES = {
        "size_ignores_dilation": (
            {"conv_output_size": "def conv_output_size(n, kernel_size, stride=1, padding=0, dilation=1):\n"
                                 "    return (n + 2 * padding - kernel_size) // stride + 1"},
            {"test_conv_output_size"}),
        "size_true_division": (
            {"conv_output_size": "def conv_output_size(n, kernel_size, stride=1, padding=0, dilation=1):\n"
                                 "    return (n + 2 * padding - dilation * (kernel_size - 1) - 1) / stride + 1"},
            {"test_conv_output_size"}),
        "kernel_flipped": (
            {"conv2d": _from_solution('windows, weight)', 'windows, weight.flip(2, 3))')},
            {"test_conv2d_not_flipped", "test_conv2d_matches_pytorch"}),
        "padding_one_side_only": (
            {"conv2d": _from_solution("F.pad(x, (pw, pw, ph, ph))", "F.pad(x, (0, 2 * pw, 0, 2 * ph))")},
            {"test_conv2d_padding"}),
        "stride_ignored": (
            {"conv2d": _from_solution("x.unfold(2, kh, sh).unfold(3, kw, sw)", "x.unfold(2, kh, 1).unfold(3, kw, 1)")},
            {"test_conv2d_stride"}),
        "stride_axes_swapped": (
            {"conv2d": _from_solution("x.unfold(2, kh, sh).unfold(3, kw, sw)", "x.unfold(2, kh, sw).unfold(3, kw, sh)")},
            {"test_conv2d_stride"}),
        "bias_ignored": (
            {"conv2d": _from_solution("out = out + bias.view(1, -1, 1, 1)", "pass")},
            {"test_conv2d_matches_pytorch"}),
        "calls_F_conv2d": (
            {"conv2d": "def conv2d(x, weight, bias=None, stride=1, padding=0):\n"
                       "    return F.conv2d(x, weight, bias, stride, padding)"},
            {"test_conv2d_from_scratch"}),
        "calls_conv_by_another_name": (
            {"conv2d": "from torch import convolution as _c\n"
                       "def conv2d(x, weight, bias=None, stride=1, padding=0):\n"
                       "    s = (stride, stride) if isinstance(stride, int) else stride\n"
                       "    p = (padding, padding) if isinstance(padding, int) else padding\n"
                       "    return _c(x, weight, bias, s, p, (1, 1), False, (0, 0), 1)"},
            {"test_conv2d_from_scratch"}),
        "params_without_bias": (
            {"conv_params": "def conv_params(in_channels, out_channels, kernel_size, bias=True):\n"
                            "    k = kernel_size if isinstance(kernel_size, int) else kernel_size[0]\n"
                            "    return out_channels * in_channels * k * k"},
            {"test_conv_params"}),
        "params_square_only": (
            {"conv_params": "def conv_params(in_channels, out_channels, kernel_size, bias=True):\n"
                            "    k = kernel_size if isinstance(kernel_size, int) else kernel_size[0]\n"
                            "    return out_channels * (in_channels * k * k + int(bias))"},
            {"test_conv_params"}),
        "quiz_off_by_one": (
            {"quiz_answers": 'q1 = 16\nq2 = 5\nq3 = {"a", "c", "d"}\nq4 = False'}, {"test_q1"}),
        "quiz_wrong_options": (
            {"quiz_answers": 'q1 = 17\nq2 = 5\nq3 = {"a", "b", "c", "d"}\nq4 = True'}, {"test_q3", "test_q4"}),
    }
    ALTERNATIVES = {
        "loops": {"conv2d": LOOPS},
        "unfold_matmul": {"conv2d": UNFOLD_MATMUL},
        "size_by_formula_variant": {"conv_output_size": (
            "import math\n"
            "def conv_output_size(n, kernel_size, stride=1, padding=0, dilation=1):\n"
            "    effective = dilation * (kernel_size - 1) + 1\n"
            "    return int(math.floor((n + 2 * padding - effective) / stride)) + 1")},
        "params_from_module": {"conv_params": (
            "def conv_params(in_channels, out_channels, kernel_size, bias=True):\n"
            "    layer = torch.nn.Conv2d(in_channels, out_channels, kernel_size, bias=bias)\n"
            "    return sum(p.numel() for p in layer.parameters())")},
        "quiz_written_differently": {"quiz_answers": 'q1 = 16 + 1\nq2 = 3 + 2\nq3 = set("acd")\nq4 = 1 == 2'},
    }
