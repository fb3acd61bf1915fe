"""Exercise 07-vgg: planted mistakes lose points, other correct code does not."""
from assignment_checks import AssignmentChecks

CFG = 'VGG16_CFG = [64, 64, "M", 128, 128, "M", 256, 256, 256, "M", 512, 512, 512, "M", 512, 512, 512, "M"]'

MAKE_LAYERS = '''
def make_layers(cfg, batch_norm=False):
    layers = []
    in_channels = 3
    for v in cfg:
        if v == "M":
            layers.append(nn.MaxPool2d(kernel_size=2, stride=2))
        else:
            layers.append(nn.Conv2d(in_channels, v, kernel_size=3, padding=1))
            if batch_norm:
                layers.append(nn.BatchNorm2d(v))
            layers.append(nn.ReLU(inplace=True))
            in_channels = v
    return nn.Sequential(*layers)
'''

VGG = '''
class VGG(nn.Module):
    def __init__(self, features, num_classes=1000, dropout=0.5):
        super().__init__()
        self.features = features
        self.avgpool = nn.AdaptiveAvgPool2d((7, 7))
        self.classifier = nn.Sequential(
            nn.Linear(512 * 7 * 7, 4096), nn.ReLU(inplace=True), nn.Dropout(dropout),
            nn.Linear(4096, 4096), nn.ReLU(inplace=True), nn.Dropout(dropout),
            nn.Linear(4096, num_classes),
        )

    def forward(self, x):
        x = self.avgpool(self.features(x))
        return self.classifier(torch.flatten(x, 1))
'''

VGG16 = '''
def vgg16(num_classes=1000, dropout=0.5):
    return VGG(make_layers(VGG16_CFG), num_classes=num_classes, dropout=dropout)
'''

QUIZ = 'q1 = 13\nq2 = 73728\nq3 = {"a", "b"}\nq4 = True'


def changed(code: str, *changes: tuple[str, str]) -> str:
    """A solution answer with some pieces changed (a targeted planted mistake)."""
    for old, new in changes:
        assert old in code, old
        code = code.replace(old, new, 1)
    return code


CFG_BUILT = '''
VGG16_CFG = []
for width, convs in [(64, 2), (128, 2), (256, 3), (512, 3), (512, 3)]:
    VGG16_CFG += [width] * convs + ["M"]
'''

MAKE_LAYERS_RECURSIVE = '''
def conv_unit(cin, cout, bn):
    unit = [nn.Conv2d(cin, cout, 3, 1, 1)]
    if bn:
        unit.append(nn.BatchNorm2d(cout))
    return unit + [nn.ReLU()]

def make_layers(cfg, batch_norm=False):
    seq = nn.Sequential()
    channels = [3] + [v for v in cfg if v != "M"]
    i = 0
    for item in cfg:
        if isinstance(item, str):
            seq.append(nn.MaxPool2d(2))
        else:
            for layer in conv_unit(channels[i], item, batch_norm):
                seq.append(layer)
            i += 1
    return seq
'''

VGG_WRITTEN_DIFFERENTLY = '''
class VGG(nn.Module):
    def __init__(self, features, num_classes=1000, dropout=0.5):
        super().__init__()
        self.features = features
        self.avgpool = nn.AdaptiveAvgPool2d(7)
        hidden = [nn.Linear(25088, 4096), nn.ReLU(True), nn.Dropout(p=dropout),
                  nn.Linear(4096, 4096), nn.ReLU(True), nn.Dropout(p=dropout)]
        self.classifier = nn.Sequential(*hidden, nn.Linear(4096, num_classes))
        for m in self.modules():  # torchvision's initialisation
            if isinstance(m, nn.Conv2d):
                nn.init.kaiming_normal_(m.weight, mode="fan_out", nonlinearity="relu")
                nn.init.zeros_(m.bias)
            elif isinstance(m, nn.Linear):
                nn.init.normal_(m.weight, 0, 0.01)
                nn.init.zeros_(m.bias)

    def forward(self, x):
        x = self.features(x)
        x = self.avgpool(x)
        x = x.reshape(x.shape[0], -1)
        for layer in self.classifier:
            x = layer(x)
        return x
'''


class TestVGG(AssignmentChecks):
    ASSIGNMENT = "07-vgg"
    MISTAKES = {
        "imports_torchvision_make_layers": (
            {"make_layers": "from torchvision.models.vgg import make_layers\n"},
            {"test_make_layers_matches_torchvision"}),
        "vgg16_returns_torchvision_vgg16": (
            {"vgg16": "import torchvision\n\ndef vgg16(num_classes=1000, dropout=0.5):\n"
                      "    return torchvision.models.vgg16(weights=None, num_classes=num_classes, dropout=dropout)\n"},
            {"test_vgg16_matches_torchvision"}),
        "cfg_pools_misplaced": (
            {"VGG16_CFG": 'VGG16_CFG = [64, "M", 64, 128, "M", 128, 256, 256, "M", 256, 512, 512, "M", 512, 512, 512, 512, "M"]'},
            {"test_vgg16_cfg"}),
        "cfg_is_vgg19": (
            {"VGG16_CFG": 'VGG16_CFG = [64, 64, "M", 128, 128, "M", 256, 256, 256, 256, "M", 512, 512, 512, 512, "M", '
                          '512, 512, 512, 512, "M"]'},
            {"test_vgg16_cfg", "test_vgg16_loads_torchvision", "test_vgg16_matches_torchvision"}),
        "cfg_missing_last_pool": (
            {"VGG16_CFG": CFG.replace('512, 512, 512, "M"]', '512, 512, 512]')},
            {"test_vgg16_cfg", "test_vgg16_matches_torchvision"}),
        "bn_after_relu": (
            {"make_layers": changed(MAKE_LAYERS,
                                    ("            if batch_norm:\n                layers.append(nn.BatchNorm2d(v))\n"
                                     "            layers.append(nn.ReLU(inplace=True))\n",
                                     "            layers.append(nn.ReLU(inplace=True))\n"
                                     "            if batch_norm:\n                layers.append(nn.BatchNorm2d(v))\n"))},
            {"test_make_layers_batch_norm"}),
        "batch_norm_ignored": (
            {"make_layers": changed(MAKE_LAYERS, ("            if batch_norm:\n                layers.append(nn.BatchNorm2d(v))\n", ""))},
            {"test_make_layers_batch_norm"}),
        "conv_without_padding": (
            {"make_layers": changed(MAKE_LAYERS, ("kernel_size=3, padding=1", "kernel_size=3"))},
            {"test_make_layers_shapes", "test_make_layers_matches_torchvision"}),
        "overlapping_3x3_pools": (
            {"make_layers": changed(MAKE_LAYERS, ("nn.MaxPool2d(kernel_size=2, stride=2)", "nn.MaxPool2d(kernel_size=3, stride=2, padding=1)"))},
            {"test_make_layers_matches_torchvision", "test_vgg16_matches_torchvision"}),
        "no_relu_before_pool": (
            {"make_layers": '''
def make_layers(cfg, batch_norm=False):
    layers = []
    in_channels = 3
    for i, v in enumerate(cfg):
        if v == "M":
            layers.append(nn.MaxPool2d(kernel_size=2, stride=2))
        else:
            layers.append(nn.Conv2d(in_channels, v, kernel_size=3, padding=1))
            if batch_norm:
                layers.append(nn.BatchNorm2d(v))
            if i + 1 < len(cfg) and cfg[i + 1] != "M":
                layers.append(nn.ReLU(inplace=True))
            in_channels = v
    return nn.Sequential(*layers)
'''},
            {"test_make_layers_matches_torchvision", "test_vgg16_loads_torchvision"}),
        "in_channels_not_updated": (
            {"make_layers": changed(MAKE_LAYERS, ("            in_channels = v\n", ""))},
            {"test_make_layers_shapes", "test_make_layers_matches_torchvision"}),
        "no_avgpool": (
            {"VGG": changed(VGG, ("        self.avgpool = nn.AdaptiveAvgPool2d((7, 7))\n", ""),
                            ("x = self.avgpool(self.features(x))", "x = self.features(x)"))},
            {"test_vgg_avgpool_any_size"}),
        "classifier_without_dropout": (
            {"VGG": VGG.replace(" nn.Dropout(dropout),", "")},
            {"test_vgg_layout", "test_vgg_dropout", "test_vgg16_loads_torchvision"}),
        "alexnet_style_classifier": (
            {"VGG": changed(VGG, ("nn.Linear(512 * 7 * 7, 4096), nn.ReLU(inplace=True), nn.Dropout(dropout),\n"
                                  "            nn.Linear(4096, 4096), nn.ReLU(inplace=True), nn.Dropout(dropout),",
                                  "nn.Dropout(dropout), nn.Linear(512 * 7 * 7, 4096), nn.ReLU(inplace=True),\n"
                                  "            nn.Dropout(dropout), nn.Linear(4096, 4096), nn.ReLU(inplace=True),"))},
            {"test_vgg_layout", "test_vgg_matches_torchvision", "test_vgg16_loads_torchvision"}),
        "classifier_ignores_num_classes": (
            {"VGG": changed(VGG, ("nn.Linear(4096, num_classes)", "nn.Linear(4096, 1000)"))},
            {"test_vgg_num_classes", "test_vgg_layout"}),
        "dropout_argument_ignored": (
            {"VGG": VGG.replace("nn.Dropout(dropout)", "nn.Dropout()")},
            {"test_vgg_dropout"}),
        "vgg16_with_batch_norm": (
            {"vgg16": changed(VGG16, ("make_layers(VGG16_CFG)", "make_layers(VGG16_CFG, batch_norm=True)"))},
            {"test_vgg16_loads_torchvision", "test_vgg16_matches_torchvision"}),
        "vgg16_without_last_pool": (
            {"vgg16": changed(VGG16, ("make_layers(VGG16_CFG)", "make_layers(VGG16_CFG[:-1])"))},
            {"test_vgg16_matches_torchvision"}),
        "quiz_counts_fc_layers": (
            {"quiz_answers": QUIZ.replace("q1 = 13", "q1 = 16")}, {"test_q1"}),
        "quiz_one_conv_only": (
            {"quiz_answers": QUIZ.replace("q2 = 73728", "q2 = 36864")}, {"test_q2"}),
        "quiz_wrong_options": (
            {"quiz_answers": QUIZ.replace('{"a", "b"}', '{"a"}').replace("q4 = True", "q4 = False")},
            {"test_q3", "test_q4"}),
    }
    ALTERNATIVES = {
        "cfg_built_in_a_loop": {"VGG16_CFG": CFG_BUILT},
        "make_layers_written_differently": {"make_layers": MAKE_LAYERS_RECURSIVE},
        "vgg_written_differently": {"VGG": VGG_WRITTEN_DIFFERENTLY},
        "vgg16_with_kwargs": {"vgg16": "def vgg16(**kwargs):\n    return VGG(make_layers(list(VGG16_CFG), batch_norm=False), **kwargs)"},
        "quiz_written_differently": {"quiz_answers": 'q1 = 2 + 2 + 3 + 3 + 3\nq2 = 2 * 9 * 64 * 64\nq3 = {"B", " a"}\nq4 = bool(1)'},
    }
