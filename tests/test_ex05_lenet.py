"""Exercise 05-lenet: planted mistakes lose points, other correct code does not."""
from assignment_checks import AssignmentChecks

LENET = '''
class LeNet5(nn.Module):
    def __init__(self, num_classes=10):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(1, 6, kernel_size=5, padding=2), nn.ReLU(),
            nn.MaxPool2d(kernel_size=2, stride=2),
            nn.Conv2d(6, 16, kernel_size=5), nn.ReLU(),
            nn.MaxPool2d(kernel_size=2, stride=2),
        )
        self.classifier = nn.Sequential(
            nn.Linear(16 * 5 * 5, 120), nn.ReLU(),
            nn.Linear(120, 84), nn.ReLU(),
            nn.Linear(84, num_classes),
        )

    def forward(self, x):
        return self.classifier(torch.flatten(self.features(x), 1))
'''

TRAIN = '''
def train_lenet(model, loader, epochs=1, lr=0.05):
    dev = next(model.parameters()).device
    optimizer = torch.optim.SGD(model.parameters(), lr=lr, momentum=0.9)
    model.train()
    losses = []
    for _ in range(epochs):
        for images, labels in loader:
            images, labels = images.to(dev), labels.to(dev)
            loss = F.cross_entropy(model(images), labels)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            losses.append(loss.item())
    return losses
'''


def lenet(old: str, new: str) -> str:
    """The solution's LeNet5 with one piece changed (a targeted planted mistake)."""
    assert old in LENET, old
    return LENET.replace(old, new)


def train(old: str, new: str) -> str:
    assert old in TRAIN, old
    return TRAIN.replace(old, new)


QUIZ = 'q1 = 28\nq2 = 2416\nq3 = {"a", "c"}\nq4 = True'

# LeNet written differently: named layers, average pooling, in-place ReLU, Flatten inside
# the classifier; or functional ReLU/pooling inside small custom modules.
LENET_NAMED = '''
from collections import OrderedDict

class LeNet5(nn.Module):
    def __init__(self, num_classes=10):
        super().__init__()
        self.features = nn.Sequential(OrderedDict([
            ("c1", nn.Conv2d(1, 6, 5, 1, 2)), ("r1", nn.ReLU(inplace=True)), ("s2", nn.AvgPool2d(2)),
            ("c3", nn.Conv2d(6, 16, 5)), ("r3", nn.ReLU(inplace=True)), ("s4", nn.AvgPool2d(2)),
        ]))
        self.classifier = nn.Sequential(
            nn.Flatten(),
            nn.Linear(400, 120), nn.ReLU(inplace=True),
            nn.Linear(120, 84), nn.ReLU(inplace=True),
            nn.Linear(84, num_classes),
        )

    def forward(self, x):
        return self.classifier(self.features(x))
'''

LENET_CUSTOM_MODULES = '''
class Stage(nn.Module):
    def __init__(self, cin, cout, pad):
        super().__init__()
        self.conv = nn.Conv2d(cin, cout, 5, padding=pad)
    def forward(self, x):
        return F.max_pool2d(F.relu(self.conv(x)), 2)

class Head(nn.Module):
    def __init__(self, num_classes):
        super().__init__()
        self.fc1, self.fc2, self.fc3 = nn.Linear(400, 120), nn.Linear(120, 84), nn.Linear(84, num_classes)
    def forward(self, z):
        return self.fc3(F.relu(self.fc2(F.relu(self.fc1(z)))))

class LeNet5(nn.Module):
    def __init__(self, num_classes=10):
        super().__init__()
        self.features = nn.Sequential(Stage(1, 6, 2), Stage(6, 16, 0))
        self.classifier = Head(num_classes)

    def forward(self, x):
        return self.classifier(self.features(x).reshape(len(x), -1))
'''

TRAIN_MANUAL_MOMENTUM = '''
def train_lenet(model, loader, epochs=1, lr=0.05):
    loss_fn = nn.CrossEntropyLoss()
    params = [p for p in model.parameters() if p.requires_grad]
    velocity = [torch.zeros_like(p) for p in params]
    history = []
    model.train()
    for epoch in range(epochs):
        for x, y in loader:
            for p in params:
                p.grad = None
            loss = loss_fn(model(x), y)
            loss.backward()
            with torch.no_grad():
                for p, v in zip(params, velocity):
                    v.mul_(0.9).add_(p.grad)
                    p.sub_(lr * v)
            history.append(float(loss))
    return history
'''

TRAIN_ZERO_AFTER_STEP = '''
def train_lenet(model, loader, epochs=1, lr=0.05):
    opt = torch.optim.SGD(model.parameters(), lr, momentum=0.9)
    out = []
    for _ in range(epochs):
        model.train()
        for batch in loader:
            images, labels = batch
            loss = nn.functional.cross_entropy(model(images), labels, reduction="mean")
            out.append(loss.detach().item())
            loss.backward()
            opt.step()
            opt.zero_grad(set_to_none=False)
        print(f"epoch done, last loss {out[-1]:.3f}")
    return out
'''


class TestLeNet(AssignmentChecks):
    ASSIGNMENT = "05-lenet"
    MISTAKES = {
        "imports_the_course_lenet": (   # a ready-made network passes behaviour tests
            {"LeNet5": "from cnncourse.models.lenet import LeNet5\n"},
            {"test_lenet_param_count"}),
        "first_conv_without_padding": (
            {"LeNet5": lenet("nn.Conv2d(1, 6, kernel_size=5, padding=2)", "nn.Conv2d(1, 6, kernel_size=5)")},
            {"test_lenet_feature_shapes", "test_lenet_output_shape"}),
        "fc_64_instead_of_84": (
            {"LeNet5": lenet("nn.Linear(120, 84), nn.ReLU(),\n            nn.Linear(84, num_classes)",
                             "nn.Linear(120, 64), nn.ReLU(),\n            nn.Linear(64, num_classes)")},
            {"test_lenet_classifier_sizes", "test_lenet_param_count"}),
        "no_pooling": (
            {"LeNet5": lenet("nn.MaxPool2d(kernel_size=2, stride=2),\n", "")},
            {"test_lenet_feature_shapes", "test_lenet_output_shape"}),
        "classifier_ignores_num_classes": (
            {"LeNet5": lenet("nn.Linear(84, num_classes)", "nn.Linear(84, 10)")},
            {"test_lenet_num_classes", "test_lenet_param_count"}),
        "sigmoid_activations": (
            {"LeNet5": LENET.replace("nn.ReLU()", "nn.Sigmoid()")},
            {"test_lenet_relu"}),
        "no_activations": (
            {"LeNet5": LENET.replace(", nn.ReLU()", "")},
            {"test_lenet_relu"}),
        "relu_after_last_layer": (
            {"LeNet5": lenet("nn.Linear(84, num_classes),", "nn.Linear(84, num_classes), nn.ReLU(),")},
            {"test_lenet_returns_logits"}),
        "softmax_output": (
            {"LeNet5": lenet("return self.classifier(torch.flatten(self.features(x), 1))",
                             "return F.softmax(self.classifier(torch.flatten(self.features(x), 1)), dim=1)")},
            {"test_lenet_returns_logits", "test_lenet_classifier_sizes"}),
        "flatten_mixes_the_batch": (
            {"LeNet5": lenet("torch.flatten(self.features(x), 1)",
                             "self.features(x).transpose(0, 1).reshape(x.size(0), -1)")},
            {"test_lenet_samples_independent"}),
        "features_detached": (
            {"LeNet5": lenet("self.features(x)", "self.features(x).detach()")},
            {"test_lenet_learns"}),
        "never_steps": (
            {"train_lenet": train("            optimizer.step()\n", "")},
            {"test_train_lenet_sgd_update", "test_train_lenet_learns"}),
        "gradients_never_cleared": (
            {"train_lenet": train("            optimizer.zero_grad()\n", "")},
            {"test_train_lenet_sgd_update"}),
        "no_momentum": (
            {"train_lenet": train("lr=lr, momentum=0.9", "lr=lr")},
            {"test_train_lenet_sgd_update"}),
        "eval_mode": (
            {"train_lenet": train("model.train()", "model.eval()")},
            {"test_train_lenet_train_mode"}),
        "losses_kept_as_tensors": (
            {"train_lenet": train("losses.append(loss.item())", "losses.append(loss)")},
            {"test_train_lenet_returns_losses"}),
        "ignores_epochs": (
            {"train_lenet": train("for _ in range(epochs):", "for _ in range(1):")},
            {"test_train_lenet_returns_losses", "test_train_lenet_sgd_update"}),
        "quiz_off_by_one": (
            {"quiz_answers": QUIZ.replace("q1 = 28", "q1 = 27")}, {"test_q1"}),
        "quiz_params_without_bias": (
            {"quiz_answers": QUIZ.replace("q2 = 2416", "q2 = 2400")}, {"test_q2"}),
        "quiz_wrong_options": (
            {"quiz_answers": QUIZ.replace('{"a", "c"}', '{"a", "c", "d"}').replace("q4 = True", "q4 = False")},
            {"test_q3", "test_q4"}),
    }
    ALTERNATIVES = {
        "named_layers_avgpool_flatten_in_classifier": {"LeNet5": LENET_NAMED},
        "functional_custom_modules": {"LeNet5": LENET_CUSTOM_MODULES},
        "manual_momentum_sgd": {"train_lenet": TRAIN_MANUAL_MOMENTUM},
        "zero_grad_after_step_and_prints": {"train_lenet": TRAIN_ZERO_AFTER_STEP},
        "quiz_written_differently": {"quiz_answers": 'q1 = 32 - 5 + 1\nq2 = 16 * (6 * 25 + 1)\nq3 = set("CA")\nq4 = not False'},
    }
