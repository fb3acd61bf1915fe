"""Exercise 08-googlenet: planted mistakes lose points, other correct code does not."""
from assignment_checks import AssignmentChecks

BASIC = '''
class BasicConv2d(nn.Module):
    def __init__(self, in_channels, out_channels, **kwargs):
        super().__init__()
        self.conv = nn.Conv2d(in_channels, out_channels, bias=False, **kwargs)
        self.bn = nn.BatchNorm2d(out_channels, eps=0.001)

    def forward(self, x):
        return F.relu(self.bn(self.conv(x)))
'''

INCEPTION = '''
class Inception(nn.Module):
    def __init__(self, in_channels, ch1x1, ch3x3red, ch3x3, ch5x5red, ch5x5, pool_proj):
        super().__init__()
        self.branch1 = BasicConv2d(in_channels, ch1x1, kernel_size=1)
        self.branch2 = nn.Sequential(BasicConv2d(in_channels, ch3x3red, kernel_size=1),
                                     BasicConv2d(ch3x3red, ch3x3, kernel_size=3, padding=1))
        self.branch3 = nn.Sequential(BasicConv2d(in_channels, ch5x5red, kernel_size=1),
                                     BasicConv2d(ch5x5red, ch5x5, kernel_size=5, padding=2))
        self.branch4 = nn.Sequential(nn.MaxPool2d(kernel_size=3, stride=1, padding=1, ceil_mode=True),
                                     BasicConv2d(in_channels, pool_proj, kernel_size=1))

    def forward(self, x):
        return torch.cat([self.branch1(x), self.branch2(x), self.branch3(x), self.branch4(x)], dim=1)
'''


def basic(old: str, new: str) -> str:
    assert old in BASIC
    return BASIC.replace(old, new)


def inception(old: str, new: str) -> str:
    assert old in INCEPTION
    return INCEPTION.replace(old, new)


QUIZ = 'q1 = {"a", "c"}\nq2 = 480\nq3 = 3072\nq4 = True'

ALT_BASIC = '''
from collections import OrderedDict

class BasicConv2d(nn.Sequential):
    def __init__(self, in_channels, out_channels, **kwargs):
        super().__init__(OrderedDict([
            ("conv", nn.Conv2d(in_channels, out_channels, bias=False, **kwargs)),
            ("bn", nn.BatchNorm2d(out_channels, eps=1e-3)),
            ("act", nn.ReLU(inplace=True)),
        ]))
'''

ALT_INCEPTION = '''
class _Reduce(nn.Module):
    """1x1 reduction followed by a k x k convolution that keeps H and W."""
    def __init__(self, cin, mid, cout, k):
        super().__init__()
        self.reduce = BasicConv2d(cin, mid, kernel_size=1)
        self.spatial = BasicConv2d(mid, cout, kernel_size=k, padding=(k - 1) // 2)

    def forward(self, x):
        return self.spatial(self.reduce(x))


class _PoolProj(nn.Module):
    def __init__(self, cin, cout):
        super().__init__()
        self.proj = BasicConv2d(cin, cout, kernel_size=1)

    def forward(self, x):
        return self.proj(F.max_pool2d(x, 3, stride=1, padding=1))


class Inception(nn.Module):
    def __init__(self, in_channels, ch1x1, ch3x3red, ch3x3, ch5x5red, ch5x5, pool_proj):
        super().__init__()
        # registered in a different order from the one they are concatenated in
        self.branch4 = _PoolProj(in_channels, pool_proj)
        self.branch3 = _Reduce(in_channels, ch5x5red, ch5x5, 5)
        self.branch2 = _Reduce(in_channels, ch3x3red, ch3x3, 3)
        self.branch1 = BasicConv2d(in_channels, ch1x1, kernel_size=1)

    def forward(self, x):
        names = ("branch1", "branch2", "branch3", "branch4")
        return torch.cat([getattr(self, n)(x) for n in names], 1)
'''


class TestGoogLeNet(AssignmentChecks):
    ASSIGNMENT = "08-googlenet"
    MISTAKES = {
        "imports_the_course_basic_conv2d": (
            {"BasicConv2d": "from cnncourse.models.googlenet import BasicConv2d\n"},
            {"test_basic_conv2d_matches_torchvision"}),
        "mults_forget_c_in": (
            {"conv_mults": "def conv_mults(h_out, w_out, c_in, c_out, kernel_size):\n"
                           "    return h_out * w_out * c_out * kernel_size * kernel_size"},
            {"test_conv_mults"}),
        "mults_k_not_squared": (
            {"conv_mults": "def conv_mults(h_out, w_out, c_in, c_out, kernel_size):\n"
                           "    return h_out * w_out * c_out * kernel_size * c_in"},
            {"test_conv_mults"}),
        "conv_with_bias": (
            {"BasicConv2d": basic("bias=False, ", "")},
            {"test_basic_conv2d_no_bias"}),
        "bn_default_eps": (
            {"BasicConv2d": basic("nn.BatchNorm2d(out_channels, eps=0.001)", "nn.BatchNorm2d(out_channels)")},
            {"test_basic_conv2d_bn_eps"}),
        "missing_relu": (
            {"BasicConv2d": basic("return F.relu(self.bn(self.conv(x)))", "return self.bn(self.conv(x))")},
            {"test_basic_conv2d_relu", "test_basic_conv2d_matches_torchvision"}),
        "relu_before_bn": (
            {"BasicConv2d": basic("return F.relu(self.bn(self.conv(x)))", "return self.bn(F.relu(self.conv(x)))")},
            {"test_basic_conv2d_relu", "test_basic_conv2d_matches_torchvision"}),
        "branches_wrong_order": (
            {"Inception": inception("self.branch1(x), self.branch2(x), self.branch3(x), self.branch4(x)",
                                    "self.branch1(x), self.branch3(x), self.branch2(x), self.branch4(x)")},
            {"test_inception_branch_order", "test_inception_matches_reference"}),
        "branch3_with_3x3": (
            {"Inception": inception("ch5x5, kernel_size=5, padding=2", "ch5x5, kernel_size=3, padding=1")},
            {"test_inception_branch3_5x5", "test_inception_parameter_count", "test_inception_matches_reference"}),
        "missing_padding": (
            {"Inception": inception("ch3x3, kernel_size=3, padding=1", "ch3x3, kernel_size=3")},
            {"test_inception_output_shape"}),
        "pool_stride_2": (
            {"Inception": inception("kernel_size=3, stride=1, padding=1", "kernel_size=3, stride=2, padding=1")},
            {"test_inception_output_shape", "test_inception_pool_branch"}),
        "proj_before_pool": (
            {"Inception": inception(
                "nn.Sequential(nn.MaxPool2d(kernel_size=3, stride=1, padding=1, ceil_mode=True),\n"
                "                                     BasicConv2d(in_channels, pool_proj, kernel_size=1))",
                "nn.Sequential(BasicConv2d(in_channels, pool_proj, kernel_size=1),\n"
                "                                     nn.MaxPool2d(kernel_size=3, stride=1, padding=1, ceil_mode=True))")},
            {"test_inception_pool_branch", "test_inception_matches_reference"}),
        "quiz_off_by_one": (
            {"quiz_answers": QUIZ.replace('{"a", "c"}', '{"a", "c", "d"}').replace("3072", "3088")},
            {"test_q1", "test_q3"}),
        "quiz_wrong_count": (
            {"quiz_answers": QUIZ.replace("480", "448").replace("True", "False")},
            {"test_q2", "test_q4"}),
    }
    ALTERNATIVES = {
        "mults_from_weights": {"conv_mults": (
            "import math\n"
            "def conv_mults(h_out, w_out, c_in, c_out, kernel_size):\n"
            "    weights_per_output = math.prod([kernel_size, kernel_size, c_in])\n"
            "    return int(h_out * w_out) * c_out * weights_per_output")},
        "alt_seq_unit_branches": {"BasicConv2d": ALT_BASIC, "Inception": ALT_INCEPTION},
        "quiz_alt_spelling": {"quiz_answers": 'q1 = set("ca")\nq2 = 128 + 192 + 96 + 64\n'
                                                     'q3 = 192 * 16\nq4 = not False'},
    }
