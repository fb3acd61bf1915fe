"""Exercise 09-resnet: planted mistakes lose points, other correct code does not."""
from assignment_checks import AssignmentChecks

BASIC = '''
class BasicBlock(nn.Module):
    expansion = 1

    def __init__(self, in_channels, out_channels, stride=1):
        super().__init__()
        self.conv1 = nn.Conv2d(in_channels, out_channels, 3, stride=stride, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(out_channels)
        self.conv2 = nn.Conv2d(out_channels, out_channels, 3, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(out_channels)
        self.downsample = None
        if stride != 1 or in_channels != out_channels:
            self.downsample = nn.Sequential(
                nn.Conv2d(in_channels, out_channels, 1, stride=stride, bias=False),
                nn.BatchNorm2d(out_channels))

    def forward(self, x):
        identity = x if self.downsample is None else self.downsample(x)
        out = F.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        return F.relu(out + identity)
'''

BOTTLENECK = '''
class Bottleneck(nn.Module):
    expansion = 4

    def __init__(self, in_channels, mid_channels, stride=1):
        super().__init__()
        out_channels = mid_channels * self.expansion
        self.conv1 = nn.Conv2d(in_channels, mid_channels, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(mid_channels)
        self.conv2 = nn.Conv2d(mid_channels, mid_channels, 3, stride=stride, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(mid_channels)
        self.conv3 = nn.Conv2d(mid_channels, out_channels, 1, bias=False)
        self.bn3 = nn.BatchNorm2d(out_channels)
        self.downsample = None
        if stride != 1 or in_channels != out_channels:
            self.downsample = nn.Sequential(
                nn.Conv2d(in_channels, out_channels, 1, stride=stride, bias=False),
                nn.BatchNorm2d(out_channels))

    def forward(self, x):
        identity = x if self.downsample is None else self.downsample(x)
        out = F.relu(self.bn1(self.conv1(x)))
        out = F.relu(self.bn2(self.conv2(out)))
        out = self.bn3(self.conv3(out))
        return F.relu(out + identity)
'''

RESNET = '''
class ResNet(nn.Module):
    def __init__(self, block, layers, num_classes=1000):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 64, 7, stride=2, padding=3, bias=False)
        self.bn1 = nn.BatchNorm2d(64)
        self.relu = nn.ReLU(inplace=True)
        self.maxpool = nn.MaxPool2d(3, stride=2, padding=1)
        in_channels = 64
        stages = []
        for i, (channels, blocks) in enumerate(zip([64, 128, 256, 512], layers)):
            stride = 1 if i == 0 else 2
            stage = []
            for j in range(blocks):
                stage.append(block(in_channels, channels, stride if j == 0 else 1))
                in_channels = channels * block.expansion
            stages.append(nn.Sequential(*stage))
        self.layer1, self.layer2, self.layer3, self.layer4 = stages
        self.avgpool = nn.AdaptiveAvgPool2d((1, 1))
        self.fc = nn.Linear(512 * block.expansion, num_classes)

    def forward(self, x):
        x = self.maxpool(self.relu(self.bn1(self.conv1(x))))
        x = self.layer4(self.layer3(self.layer2(self.layer1(x))))
        return self.fc(torch.flatten(self.avgpool(x), 1))
'''


def edit(base: str, old: str, new: str) -> str:
    assert old in base, old
    return base.replace(old, new)


QUIZ = 'q1 = False\nq2 = {"a"}\nq3 = {"a", "d"}\nq4 = 49\nq5 = 0'

ALT_BASIC = '''
class BasicBlock(nn.Module):
    expansion = 1

    def __init__(self, in_channels, out_channels, stride=1):
        super().__init__()
        needs_projection = stride > 1 or in_channels != out_channels
        self.downsample = (nn.Sequential(nn.Conv2d(in_channels, out_channels, kernel_size=1, stride=stride, bias=False),
                                         nn.BatchNorm2d(out_channels)) if needs_projection else None)
        self.conv1 = nn.Conv2d(in_channels, out_channels, kernel_size=3, stride=stride, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(out_channels)
        self.relu = nn.ReLU(inplace=True)
        self.conv2 = nn.Conv2d(out_channels, out_channels, kernel_size=3, stride=1, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(out_channels)

    def forward(self, x):
        out = self.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        out += x if self.downsample is None else self.downsample(x)
        return self.relu(out)
'''

ALT_BOTTLENECK = '''
def _projection(cin, cout, stride):
    return nn.Sequential(nn.Conv2d(cin, cout, 1, stride, bias=False), nn.BatchNorm2d(cout))


class Bottleneck(nn.Module):
    expansion = 4

    def __init__(self, in_channels, mid_channels, stride=1):
        super().__init__()
        width, out = mid_channels, mid_channels * 4
        self.conv1, self.bn1 = nn.Conv2d(in_channels, width, 1, bias=False), nn.BatchNorm2d(width)
        self.conv2, self.bn2 = nn.Conv2d(width, width, 3, stride, 1, bias=False), nn.BatchNorm2d(width)
        self.conv3, self.bn3 = nn.Conv2d(width, out, 1, bias=False), nn.BatchNorm2d(out)
        self.downsample = _projection(in_channels, out, stride) if (stride, in_channels) != (1, out) else None

    def forward(self, x):
        shortcut = self.downsample(x) if self.downsample is not None else x
        y = x
        for conv, bn in [(self.conv1, self.bn1), (self.conv2, self.bn2)]:
            y = bn(conv(y)).clamp(min=0)
        return (self.bn3(self.conv3(y)) + shortcut).clamp(min=0)
'''

ALT_RESNET = '''
class ResNet(nn.Module):
    def __init__(self, block, layers, num_classes=1000):
        super().__init__()
        self.inplanes = 64
        self.conv1 = nn.Conv2d(3, self.inplanes, kernel_size=7, stride=2, padding=3, bias=False)
        self.bn1 = nn.BatchNorm2d(self.inplanes)
        self.relu = nn.ReLU(inplace=True)
        self.maxpool = nn.MaxPool2d(kernel_size=3, stride=2, padding=1)
        self.layer1 = self._make_layer(block, 64, layers[0])
        self.layer2 = self._make_layer(block, 128, layers[1], stride=2)
        self.layer3 = self._make_layer(block, 256, layers[2], stride=2)
        self.layer4 = self._make_layer(block, 512, layers[3], stride=2)
        self.avgpool = nn.AdaptiveAvgPool2d(1)
        self.fc = nn.Linear(512 * block.expansion, num_classes)
        for m in self.modules():
            if isinstance(m, nn.Conv2d):
                nn.init.kaiming_normal_(m.weight, mode="fan_out", nonlinearity="relu")

    def _make_layer(self, block, channels, blocks, stride=1):
        layers = [block(self.inplanes, channels, stride)]
        self.inplanes = channels * block.expansion
        layers += [block(self.inplanes, channels) for _ in range(1, blocks)]
        return nn.Sequential(*layers)

    def forward(self, x):
        for name in ["conv1", "bn1", "relu", "maxpool", "layer1", "layer2", "layer3", "layer4", "avgpool"]:
            x = getattr(self, name)(x)
        return self.fc(x.flatten(1))
'''


class TestResNet(AssignmentChecks):
    ASSIGNMENT = "09-resnet"
    MISTAKES = {
        "resnet18_returns_torchvision_resnet18": (
            {"resnet18": "import torchvision\n\ndef resnet18():\n    return torchvision.models.resnet18()\n"},
            {"test_resnet18_matches_torchvision"}),
        "imports_the_course_basic_block": (
            {"BasicBlock": "from cnncourse.models.resnet import BasicBlock\n"},
            {"test_basic_block_matches_torchvision"}),
        "no_relu_after_add": (
            {"BasicBlock": edit(BASIC, "return F.relu(out + identity)", "return out + identity")},
            {"test_basic_block_identity_when_branch_zeroed", "test_basic_block_relu_after_add"}),
        "relu_before_add": (
            {"BasicBlock": edit(BASIC, "return F.relu(out + identity)", "return F.relu(out) + identity")},
            {"test_basic_block_identity_when_branch_zeroed", "test_basic_block_relu_after_add"}),
        "no_shortcut": (
            {"BasicBlock": edit(BASIC, "return F.relu(out + identity)", "return F.relu(out)")},
            {"test_basic_block_identity_when_branch_zeroed", "test_basic_block_gradient_through_shortcut"}),
        "shortcut_without_bn": (
            {"BasicBlock": edit(BASIC, "nn.Conv2d(in_channels, out_channels, 1, stride=stride, bias=False),\n"
                                       "                nn.BatchNorm2d(out_channels))",
                                "nn.Conv2d(in_channels, out_channels, 1, stride=stride, bias=False))")},
            {"test_basic_block_downsample"}),
        "downsample_always": (
            {"BasicBlock": edit(BASIC, "if stride != 1 or in_channels != out_channels:", "if True:")},
            {"test_basic_block_downsample"}),
        "downsample_never": (
            {"BasicBlock": edit(BASIC, "if stride != 1 or in_channels != out_channels:", "if False:")},
            {"test_basic_block_downsample", "test_basic_block_output_shape"}),
        "basic_stride_conv2": (
            {"BasicBlock": edit(edit(BASIC, "3, stride=stride, padding=1", "3, padding=1"),
                                "out_channels, 3, padding=1, bias=False)\n        self.bn2",
                                "out_channels, 3, stride=stride, padding=1, bias=False)\n        self.bn2")},
            {"test_basic_block_matches_torchvision"}),
        "bottleneck_v1_stride": (
            {"Bottleneck": edit(edit(BOTTLENECK, "nn.Conv2d(in_channels, mid_channels, 1, bias=False)",
                                     "nn.Conv2d(in_channels, mid_channels, 1, stride=stride, bias=False)"),
                                "3, stride=stride, padding=1", "3, padding=1")},
            {"test_bottleneck_stride_in_3x3"}),
        "bneck_no_final_relu": (
            {"Bottleneck": edit(BOTTLENECK, "return F.relu(out + identity)", "return out + identity")},
            {"test_bottleneck_identity_when_branch_zeroed", "test_bottleneck_matches_torchvision"}),
        "bneck_down_stride_only": (
            {"Bottleneck": edit(BOTTLENECK, "if stride != 1 or in_channels != out_channels:", "if stride != 1:")},
            {"test_bottleneck_downsample"}),
        "resnet_no_maxpool": (
            {"ResNet": edit(RESNET, "x = self.maxpool(self.relu(self.bn1(self.conv1(x))))",
                            "x = self.relu(self.bn1(self.conv1(x)))")},
            {"test_resnet_matches_torchvision", "test_resnet18_matches_torchvision"}),
        "resnet_stage1_strided": (
            {"ResNet": edit(RESNET, "stride = 1 if i == 0 else 2", "stride = 2")},
            {"test_resnet_matches_torchvision", "test_resnet50_matches_torchvision"}),
        "resnet_no_expansion": (
            {"ResNet": edit(RESNET, "in_channels = channels * block.expansion", "in_channels = channels")},
            {"test_resnet_output_shape", "test_resnet50_parameters"}),
        "resnet18_is_resnet34": (
            {"resnet18": "def resnet18():\n    return ResNet(BasicBlock, [3, 4, 6, 3])"},
            {"test_resnet18_parameters", "test_resnet18_matches_torchvision"}),
        "resnet18_short_stage": (
            {"resnet18": "def resnet18():\n    return ResNet(BasicBlock, [2, 2, 2, 1])"},
            {"test_resnet18_parameters"}),
        "resnet50_basic_blocks": (
            {"resnet50": "def resnet50():\n    return ResNet(BasicBlock, [3, 4, 6, 3])"},
            {"test_resnet50_parameters", "test_resnet50_matches_torchvision"}),
        "resnet50_wrong_layers": (
            {"resnet50": "def resnet50():\n    return ResNet(Bottleneck, [3, 4, 6, 2])"},
            {"test_resnet50_parameters"}),
        "quiz_off_by_one": (
            {"quiz_answers": QUIZ.replace("49", "50")}, {"test_q4"}),
        "quiz_wrong_options": (
            {"quiz_answers": QUIZ.replace('{"a"}', '{"b"}').replace('{"a", "d"}', '{"a", "b", "d"}')},
            {"test_q2", "test_q3"}),
        "quiz_wrong_facts": (
            {"quiz_answers": QUIZ.replace("False", "True").replace("q5 = 0", "q5 = 1")}, {"test_q1", "test_q5"}),
    }
    ALTERNATIVES = {
        "alt_relu_make_layer": {"BasicBlock": ALT_BASIC, "Bottleneck": ALT_BOTTLENECK, "ResNet": ALT_RESNET},
        "keyword_builders": {
            "resnet18": "def resnet18():\n    return ResNet(block=BasicBlock, layers=(2,) * 4, num_classes=1000)",
            "resnet50": "def resnet50():\n    return ResNet(block=Bottleneck, layers=(3, 4, 6, 3), num_classes=1000)",
            "quiz_answers": 'q1 = 1 > 2\nq2 = set("a")\nq3 = {"d", "a"}\nq4 = 1 + 3 * (3 + 4 + 6 + 3)\nq5 = int(0)',
        },
    }
