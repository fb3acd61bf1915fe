"""Exercise 06-alexnet: planted mistakes lose points, other correct code does not."""
from assignment_checks import AssignmentChecks

ALEXNET = '''
class AlexNet(nn.Module):
    def __init__(self, num_classes=1000, dropout=0.5):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(3, 96, kernel_size=11, stride=4), nn.ReLU(),
            nn.MaxPool2d(kernel_size=3, stride=2),
            nn.Conv2d(96, 256, kernel_size=5, padding=2), nn.ReLU(),
            nn.MaxPool2d(kernel_size=3, stride=2),
            nn.Conv2d(256, 384, kernel_size=3, padding=1), nn.ReLU(),
            nn.Conv2d(384, 384, kernel_size=3, padding=1), nn.ReLU(),
            nn.Conv2d(384, 256, kernel_size=3, padding=1), nn.ReLU(),
            nn.MaxPool2d(kernel_size=3, stride=2),
        )
        self.classifier = nn.Sequential(
            nn.Dropout(dropout), nn.Linear(256 * 6 * 6, 4096), nn.ReLU(),
            nn.Dropout(dropout), nn.Linear(4096, 4096), nn.ReLU(),
            nn.Linear(4096, num_classes),
        )

    def forward(self, x):
        return self.classifier(torch.flatten(self.features(x), 1))
'''


def alexnet(*changes: tuple[str, str]) -> str:
    """The solution's AlexNet with some pieces changed (a targeted planted mistake)."""
    code = ALEXNET
    for old, new in changes:
        assert old in code, old
        code = code.replace(old, new, 1)
    return code


QUIZ = 'q1 = 55\nq2 = 37752832\nq3 = {"a", "b", "d", "f"}\nq4 = False'

# Written differently: named layers, in-place ReLUs, an adaptive average pool (the identity
# at 227x227), Flatten inside the classifier, classifier defined before the features.
ALEXNET_NAMED = '''
from collections import OrderedDict

class AlexNet(nn.Module):
    def __init__(self, num_classes=1000, dropout=0.5):
        super().__init__()
        self.classifier = nn.Sequential(OrderedDict([
            ("flatten", nn.Flatten()),
            ("drop6", nn.Dropout(p=dropout)), ("fc6", nn.Linear(9216, 4096)), ("relu6", nn.ReLU(inplace=True)),
            ("drop7", nn.Dropout(p=dropout)), ("fc7", nn.Linear(4096, 4096)), ("relu7", nn.ReLU(inplace=True)),
            ("fc8", nn.Linear(4096, num_classes)),
        ]))
        layers = OrderedDict()
        specs = [(3, 96, 11, 4, 0, True), (96, 256, 5, 1, 2, True), (256, 384, 3, 1, 1, False),
                 (384, 384, 3, 1, 1, False), (384, 256, 3, 1, 1, True)]
        for i, (cin, cout, k, s, p, pool) in enumerate(specs, start=1):
            layers[f"conv{i}"] = nn.Conv2d(cin, cout, k, stride=s, padding=p)
            layers[f"relu{i}"] = nn.ReLU(inplace=True)
            if pool:
                layers[f"pool{i}"] = nn.MaxPool2d(3, 2)
        self.features = nn.Sequential(layers)
        self.avgpool = nn.AdaptiveAvgPool2d((6, 6))

    def forward(self, x):
        return self.classifier(self.avgpool(self.features(x)))
'''

# Written differently: functional dropout and ReLU in a custom classifier module.
ALEXNET_FUNCTIONAL_HEAD = '''
class Head(nn.Module):
    def __init__(self, num_classes, p):
        super().__init__()
        self.p = p
        self.fc1 = nn.Linear(256 * 36, 4096)
        self.fc2 = nn.Linear(4096, 4096)
        self.fc3 = nn.Linear(4096, num_classes)

    def forward(self, z):
        z = F.relu(self.fc1(F.dropout(z, self.p, self.training)))
        z = F.relu(self.fc2(F.dropout(z, self.p, self.training)))
        return self.fc3(z)


class AlexNet(nn.Module):
    def __init__(self, num_classes=1000, dropout=0.5):
        super().__init__()
        def conv(cin, cout, k, **kw):
            return [nn.Conv2d(cin, cout, k, **kw), nn.ReLU()]
        pool = lambda: nn.MaxPool2d(kernel_size=3, stride=2)
        self.features = nn.Sequential(*conv(3, 96, 11, stride=4), pool(), *conv(96, 256, 5, padding="same"), pool(),
                                      *conv(256, 384, 3, padding=1), *conv(384, 384, 3, padding=1),
                                      *conv(384, 256, 3, padding=1), pool())
        self.classifier = Head(num_classes, dropout)

    def forward(self, x):
        features = self.features(x)
        return self.classifier(features.view(features.size(0), -1))
'''


class TestAlexNet(AssignmentChecks):
    ASSIGNMENT = "06-alexnet"
    MISTAKES = {
        "conv2_without_padding": (
            {"AlexNet": alexnet(("nn.Conv2d(96, 256, kernel_size=5, padding=2)", "nn.Conv2d(96, 256, kernel_size=5)"))},
            {"test_alexnet_feature_shapes", "test_alexnet_matches_reference"}),
        "conv1_padded_for_224": (
            {"AlexNet": alexnet(("nn.Conv2d(3, 96, kernel_size=11, stride=4)",
                                 "nn.Conv2d(3, 96, kernel_size=11, stride=4, padding=2)"))},
            {"test_alexnet_feature_shapes", "test_alexnet_matches_reference"}),
        "conv1_stride_5": (
            {"AlexNet": alexnet(("kernel_size=11, stride=4", "kernel_size=11, stride=5"))},
            {"test_alexnet_feature_shapes", "test_alexnet_num_classes"}),
        "non_overlapping_2x2_pools": (
            {"AlexNet": ALEXNET.replace("nn.MaxPool2d(kernel_size=3, stride=2)", "nn.MaxPool2d(kernel_size=2, stride=2)")},
            {"test_alexnet_matches_reference"}),
        "wrong_channel_counts": (
            {"AlexNet": alexnet(("nn.Conv2d(384, 256, kernel_size=3, padding=1)", "nn.Conv2d(256, 256, kernel_size=3, padding=1)"),
                                ("nn.Conv2d(384, 384, kernel_size=3, padding=1)", "nn.Conv2d(384, 256, kernel_size=3, padding=1)"))},
            {"test_alexnet_feature_shapes", "test_alexnet_param_count", "test_alexnet_matches_reference"}),
        "classifier_ignores_num_classes": (
            {"AlexNet": alexnet(("nn.Linear(4096, num_classes)", "nn.Linear(4096, 1000)"))},
            {"test_alexnet_num_classes", "test_alexnet_param_count"}),
        "missing_first_dropout": (
            {"AlexNet": alexnet(("nn.Dropout(dropout), nn.Linear(256 * 6 * 6, 4096)", "nn.Linear(256 * 6 * 6, 4096)"))},
            {"test_alexnet_dropout_prob"}),
        "no_dropout_at_all": (
            {"AlexNet": ALEXNET.replace("nn.Dropout(dropout), ", "")},
            {"test_alexnet_dropout_train_vs_eval", "test_alexnet_dropout_prob"}),
        "dropout_after_last_layer": (
            {"AlexNet": alexnet(("nn.Linear(4096, num_classes),", "nn.Linear(4096, num_classes), nn.Dropout(dropout),"))},
            {"test_alexnet_no_dropout_on_output"}),
        "dropout_argument_ignored": (
            {"AlexNet": ALEXNET.replace("nn.Dropout(dropout)", "nn.Dropout(0.5)")},
            {"test_alexnet_dropout_prob"}),
        "dropout_always_on": (
            {"AlexNet": alexnet(("nn.Dropout(dropout), nn.Linear(256 * 6 * 6, 4096)", "nn.Linear(256 * 6 * 6, 4096)"),
                                ("nn.Dropout(dropout), nn.Linear(4096, 4096)", "nn.Linear(4096, 4096)"),
                                ("return self.classifier(torch.flatten(self.features(x), 1))",
                                 "x = F.dropout(torch.flatten(self.features(x), 1), 0.5)\n"
                                 "        return self.classifier(x)"))},
            {"test_alexnet_dropout_train_vs_eval"}),
        "relu_missing_in_classifier": (
            {"AlexNet": alexnet(("nn.Linear(4096, 4096), nn.ReLU(),", "nn.Linear(4096, 4096),"))},
            {"test_alexnet_classifier_relu", "test_alexnet_matches_reference"}),
        "quiz_224_size": (
            {"quiz_answers": QUIZ.replace("q1 = 55", "q1 = 54")}, {"test_q1"}),
        "quiz_fc_without_bias": (
            {"quiz_answers": QUIZ.replace("q2 = 37752832", "q2 = 37748736")}, {"test_q2"}),
        "quiz_wrong_options": (
            {"quiz_answers": QUIZ.replace('{"a", "b", "d", "f"}', '{"a", "b", "c", "d", "f"}').replace("q4 = False", "q4 = True")},
            {"test_q3", "test_q4"}),
    }
    ALTERNATIVES = {
        "named_layers_adaptive_pool": {"AlexNet": ALEXNET_NAMED},
        "functional_dropout_head": {"AlexNet": ALEXNET_FUNCTIONAL_HEAD},
        "quiz_written_differently": {"quiz_answers": 'q1 = (227 - 11) // 4 + 1\nq2 = 9216 * 4096 + 4096\n'
                                                     'q3 = set("FDBA".lower())\nq4 = 1 > 2'},
    }
