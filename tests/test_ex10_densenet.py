"""Exercise 10-densenet: planted mistakes lose points, other correct code does not."""
from assignment_checks import AssignmentChecks

LAYER = '''
class DenseLayer(nn.Module):
    def __init__(self, in_channels, growth_rate, bn_size=4):
        super().__init__()
        width = bn_size * growth_rate
        self.norm1 = nn.BatchNorm2d(in_channels)
        self.conv1 = nn.Conv2d(in_channels, width, kernel_size=1, bias=False)
        self.norm2 = nn.BatchNorm2d(width)
        self.conv2 = nn.Conv2d(width, growth_rate, kernel_size=3, padding=1, bias=False)

    def forward(self, x):
        out = self.conv1(F.relu(self.norm1(x)))
        return self.conv2(F.relu(self.norm2(out)))
'''

BLOCK = '''
class DenseBlock(nn.Module):
    def __init__(self, num_layers, in_channels, growth_rate, bn_size=4):
        super().__init__()
        self.layers = nn.ModuleList(
            DenseLayer(in_channels + i * growth_rate, growth_rate, bn_size) for i in range(num_layers))

    def forward(self, x):
        features = [x]
        for layer in self.layers:
            features.append(layer(torch.cat(features, dim=1)))
        return torch.cat(features, dim=1)
'''

TRANSITION = '''
class Transition(nn.Module):
    def __init__(self, in_channels, out_channels):
        super().__init__()
        self.norm = nn.BatchNorm2d(in_channels)
        self.conv = nn.Conv2d(in_channels, out_channels, kernel_size=1, bias=False)
        self.pool = nn.AvgPool2d(kernel_size=2, stride=2)

    def forward(self, x):
        return self.pool(self.conv(F.relu(self.norm(x))))
'''

DENSENET = '''
def densenet121():
    growth_rate, block_config, channels = 32, (6, 12, 24, 16), 64
    layers = [nn.Conv2d(3, channels, kernel_size=7, stride=2, padding=3, bias=False),
              nn.BatchNorm2d(channels), nn.ReLU(inplace=True),
              nn.MaxPool2d(kernel_size=3, stride=2, padding=1)]
    for i, num_layers in enumerate(block_config):
        layers.append(DenseBlock(num_layers, channels, growth_rate, bn_size=4))
        channels += num_layers * growth_rate
        if i < len(block_config) - 1:
            layers.append(Transition(channels, channels // 2))
            channels //= 2
    layers += [nn.BatchNorm2d(channels), nn.ReLU(inplace=True), nn.AdaptiveAvgPool2d(1), nn.Flatten(),
               nn.Linear(channels, 1000)]
    return nn.Sequential(*layers)
'''


def edit(base: str, old: str, new: str) -> str:
    assert old in base, old
    return base.replace(old, new)


QUIZ = "q1 = 256\nq2 = 160\nq3 = 512\nq4 = False"

CONV_FIRST = '''
class DenseLayer(nn.Module):
    def __init__(self, in_channels, growth_rate, bn_size=4):
        super().__init__()
        width = bn_size * growth_rate
        self.conv1 = nn.Conv2d(in_channels, width, kernel_size=1, bias=False)
        self.norm1 = nn.BatchNorm2d(width)
        self.conv2 = nn.Conv2d(width, growth_rate, kernel_size=3, padding=1, bias=False)
        self.norm2 = nn.BatchNorm2d(growth_rate)

    def forward(self, x):
        out = F.relu(self.norm1(self.conv1(x)))
        return F.relu(self.norm2(self.conv2(out)))
'''

CHAINED_BLOCK = '''
class DenseBlock(nn.Module):
    def __init__(self, num_layers, in_channels, growth_rate, bn_size=4):
        super().__init__()
        self.layers = nn.ModuleList(
            DenseLayer(in_channels if i == 0 else growth_rate, growth_rate, bn_size) for i in range(num_layers))

    def forward(self, x):
        outputs, h = [x], x
        for layer in self.layers:
            h = layer(h)
            outputs.append(h)
        return torch.cat(outputs, dim=1)
'''

ALT_LAYER = '''
class DenseLayer(nn.Sequential):
    def __init__(self, in_channels, growth_rate, bn_size=4):
        super().__init__(
            nn.BatchNorm2d(in_channels), nn.ReLU(inplace=True),
            nn.Conv2d(in_channels, bn_size * growth_rate, 1, bias=False),
            nn.BatchNorm2d(bn_size * growth_rate), nn.ReLU(inplace=True),
            nn.Conv2d(bn_size * growth_rate, growth_rate, 3, padding=1, bias=False),
        )
'''

ALT_BLOCK = '''
class DenseBlock(nn.Module):
    def __init__(self, num_layers, in_channels, growth_rate, bn_size=4):
        super().__init__()
        self.body = nn.Sequential()
        channels = in_channels
        for i in range(num_layers):
            self.body.add_module(f"denselayer{i + 1}", DenseLayer(channels, growth_rate, bn_size=bn_size))
            channels += growth_rate

    def forward(self, x):
        for layer in self.body:
            x = torch.cat((x, layer(x)), 1)
        return x
'''

ALT_TRANSITION = '''
class Transition(nn.Module):
    """Average pooling before the 1x1 convolution: the same function (both are linear
    and act on different axes), four times cheaper."""
    def __init__(self, in_channels, out_channels):
        super().__init__()
        self.bn = nn.BatchNorm2d(in_channels)
        self.proj = nn.Conv2d(in_channels, out_channels, 1, bias=False)

    def forward(self, x):
        return self.proj(F.avg_pool2d(torch.relu(self.bn(x)), 2))
'''

ALT_DENSENET = '''
class _DenseNet(nn.Module):
    def __init__(self, growth_rate=32, block_config=(6, 12, 24, 16), init_features=64, num_classes=1000):
        super().__init__()
        self.stem = nn.Sequential(nn.Conv2d(3, init_features, 7, 2, 3, bias=False), nn.BatchNorm2d(init_features),
                                  nn.ReLU(inplace=True), nn.MaxPool2d(3, 2, 1))
        stages, c = [], init_features
        for i, n in enumerate(block_config):
            stages.append(DenseBlock(n, c, growth_rate))
            c = c + n * growth_rate
            if i != len(block_config) - 1:
                stages.append(Transition(c, c // 2))
                c = c // 2
        self.stages = nn.Sequential(*stages)
        self.norm = nn.BatchNorm2d(c)
        self.classifier = nn.Linear(c, num_classes)

    def forward(self, x):
        x = F.relu(self.norm(self.stages(self.stem(x))))
        return self.classifier(x.mean(dim=(2, 3)))


def densenet121():
    return _DenseNet()
'''


class TestDenseNet(AssignmentChecks):
    ASSIGNMENT = "10-densenet"
    MISTAKES = {
        "imports_torchvision_transition": (
            {"Transition": "from torchvision.models.densenet import _Transition as Transition\n"},
            {"test_transition_matches_torchvision"}),
        "layer_returns_cat": (
            {"DenseLayer": edit(LAYER, "return self.conv2(F.relu(self.norm2(out)))",
                                "return torch.cat([x, self.conv2(F.relu(self.norm2(out)))], dim=1)")},
            {"test_dense_layer_new_features_only"}),
        "layer_conv_before_bn": (
            {"DenseLayer": CONV_FIRST},
            {"test_dense_layer_bn_first", "test_dense_layer_matches_torchvision"}),
        "layer_relu_before_bn": (
            {"DenseLayer": edit(edit(LAYER, "self.conv1(F.relu(self.norm1(x)))", "self.conv1(self.norm1(F.relu(x)))"),
                                "self.conv2(F.relu(self.norm2(out)))", "self.conv2(self.norm2(F.relu(out)))")},
            {"test_dense_layer_bn_first", "test_dense_layer_matches_torchvision"}),
        "layer_3x3_no_padding": (
            {"DenseLayer": edit(LAYER, "kernel_size=3, padding=1", "kernel_size=3")},
            {"test_dense_layer_new_features_only"}),
        "block_returns_last": (
            {"DenseBlock": edit(BLOCK, "return torch.cat(features, dim=1)", "return features[-1]")},
            {"test_dense_block_output_channels", "test_dense_block_concatenation"}),
        "block_chains_layers": (
            {"DenseBlock": CHAINED_BLOCK},
            {"test_dense_block_layer_inputs", "test_dense_block_concatenation"}),
        "block_new_first": (
            {"DenseBlock": edit(BLOCK, "return torch.cat(features, dim=1)", "return torch.cat(features[::-1], dim=1)")},
            {"test_dense_block_concatenation"}),
        "transition_max_pool": (
            {"Transition": edit(TRANSITION, "nn.AvgPool2d(kernel_size=2, stride=2)", "nn.MaxPool2d(kernel_size=2, stride=2)")},
            {"test_transition_matches_torchvision"}),
        "transition_no_bn_relu": (
            {"Transition": edit(TRANSITION, "self.pool(self.conv(F.relu(self.norm(x))))", "self.pool(self.conv(x))")},
            {"test_transition_matches_torchvision"}),
        "densenet169_config": (
            {"densenet121": edit(DENSENET, "(6, 12, 24, 16)", "(6, 12, 32, 32)")},
            {"test_densenet121_parameters", "test_densenet121_block_config", "test_densenet121_matches_torchvision"}),
        "densenet_no_norm5": (
            {"densenet121": edit(DENSENET, "layers += [nn.BatchNorm2d(channels), nn.ReLU(inplace=True), ",
                                 "layers += [nn.ReLU(inplace=True), ")},
            {"test_densenet121_parameters", "test_densenet121_matches_torchvision"}),
        "densenet_no_compress": (
            {"densenet121": edit(edit(DENSENET, "Transition(channels, channels // 2)", "Transition(channels, channels)"),
                                 "channels //= 2", "pass")},
            {"test_densenet121_parameters", "test_densenet121_matches_torchvision"}),
        "quiz_off_by_one_layer": (
            {"quiz_answers": QUIZ.replace("256", "224").replace("160", "192")}, {"test_q1", "test_q2"}),
        "quiz_no_compression": (
            {"quiz_answers": QUIZ.replace("512", "640").replace("False", "True")}, {"test_q3", "test_q4"}),
    }
    ALTERNATIVES = {
        "alt_seq_layer_block": {"DenseLayer": ALT_LAYER, "DenseBlock": ALT_BLOCK},
        "alt_pool_first_net": {"Transition": ALT_TRANSITION, "densenet121": ALT_DENSENET},
        "quiz_alt_spelling": {"quiz_answers": "q1 = 64 + 6 * 32\nq2 = 64 + 3 * 32\n"
                                                     "q3 = (64 + 6 * 32) // 2 + 12 * 32\nq4 = bool(0)"},
    }
