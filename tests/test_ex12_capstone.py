"""Exercise 12-capstone: the trained model is graded on the test set.

The solution and the one alternative train for minutes each; every planted mistake
fails within seconds (it does not train, or the training cell stops with an error).
"""
import nbformat
from nbclient import NotebookClient

from assignment_checks import AssignmentChecks
from autograder.course import SOLUTIONS
from autograder.execute import Budget

#: the capstone's training cell runs for minutes: grade it with the 900 s per cell that
#: the course allows for this assignment (the grader's default is shorter)
CAPSTONE_BUDGET = Budget(cell_seconds=900, notebook_seconds=1800)

TRAIN_STOPS_EARLY = '''
def train_model(model, train_loader, val_loader):
    dev = device()
    model.to(dev)
    optimizer = torch.optim.AdamW(model.parameters(), lr=5e-3, weight_decay=5e-4)
    loss_fn = nn.CrossEntropyLoss()
    model.train()
    for step, (x, y) in enumerate(train_loader):
        if step == 20:      # "a quick test run" left in the submission
            break
        loss = loss_fn(model(x.to(dev)), y.to(dev))
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    return model
'''

SINGLE_LOGIT = '''
def build_model(in_channels=1, num_classes=10):
    # one sigmoid output, as in a binary cats-vs-dogs model
    return nn.Sequential(
        nn.Conv2d(in_channels, 32, 3, padding=1), nn.BatchNorm2d(32), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(32, 64, 3, padding=1), nn.BatchNorm2d(64), nn.ReLU(), nn.AdaptiveAvgPool2d(1),
        nn.Flatten(), nn.Linear(64, 1))
'''

NO_FLATTEN = '''
def build_model(in_channels=1, num_classes=10):
    return nn.Sequential(
        nn.Conv2d(in_channels, 32, 3, padding=1), nn.BatchNorm2d(32), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(32, 64, 3, padding=1), nn.BatchNorm2d(64), nn.ReLU(), nn.MaxPool2d(2),
        nn.AdaptiveAvgPool2d(3), nn.Linear(64 * 9, num_classes))
'''

# A different network (pooling before the first batch norm, an MLP head) trained with the
# course's own loop: SGD with Nesterov momentum and a cosine schedule stepped per epoch.
ALT_MODEL = '''
def build_model(in_channels=1, num_classes=10):
    def block(cin, cout):
        return [nn.Conv2d(cin, cout, 3, padding=1, bias=False), nn.BatchNorm2d(cout), nn.ReLU(inplace=True)]
    return nn.Sequential(
        nn.Conv2d(in_channels, 32, 3, padding=1, bias=False), nn.MaxPool2d(2), nn.BatchNorm2d(32), nn.ReLU(inplace=True),
        *block(32, 64), nn.MaxPool2d(2),
        *block(64, 128), nn.MaxPool2d(2),
        nn.AdaptiveAvgPool2d(3), nn.Flatten(),
        nn.Linear(128 * 9, 128), nn.ReLU(inplace=True), nn.Dropout(0.3), nn.Linear(128, num_classes))
'''

ALT_TRAIN = '''
def train_model(model, train_loader, val_loader):
    epochs = 6
    model.to(memory_format=torch.channels_last)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9, nesterov=True, weight_decay=5e-4)
    scheduler = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=epochs)
    history = train(model, train_loader, val_loader, epochs=epochs, optimizer=optimizer, scheduler=scheduler)
    print("validation accuracy per epoch:", [round(a, 4) for a in history.val_acc])
    return model
'''


class TestCapstone(AssignmentChecks):
    ASSIGNMENT = "12-capstone"

    BUDGET = CAPSTONE_BUDGET
    MISTAKES = {
        "does_not_train": (
            {"train_model": "def train_model(model, train_loader, val_loader):\n    return model"},
            {"test_model_test_accuracy"}),
        "stops_early": (
            {"train_model": TRAIN_STOPS_EARLY},
            {"test_model_test_accuracy"}),
        "single_logit": (
            {"build_model": SINGLE_LOGIT},
            {"test_build_model_output_shape", "test_build_model_other_data", "test_model_output_shape",
             "test_model_test_accuracy"}),
        "forgets_flatten": (
            {"build_model": NO_FLATTEN},
            {"test_build_model_output_shape", "test_model_test_accuracy"}),
    }
    ALTERNATIVES = {
        "alt_sgd_course_loop": {"build_model": ALT_MODEL, "train_model": ALT_TRAIN},
    }


def test_solution_trains_on_an_image_folder(tmp_path):
    """With DATA_DIR pointing at an ImageFolder (here a tiny two-class set of colour
    images of another size), the notebook's own cells train a two-class model on it."""
    from PIL import Image
    import random

    rng = random.Random(0)
    for label, colour in [("cat", (200, 120, 40)), ("dog", (40, 90, 200))]:
        (tmp_path / "pets" / label).mkdir(parents=True)
        for i in range(12):
            shade = tuple(min(255, max(0, c + rng.randint(-30, 30))) for c in colour)
            Image.new("RGB", (rng.randint(40, 90), rng.randint(40, 90)), shade).save(
                tmp_path / "pets" / label / f"{i}.png")
    nb = nbformat.read(SOLUTIONS / "12-capstone" / "capstone.ipynb", as_version=4)
    kept = []
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader", {})
        if cell.cell_type != "code" or meta.get("grade"):
            continue                                  # the graded tests are about Fashion-MNIST
        if "DATA_DIR = None" in cell.source:
            cell.source = f"DATA_DIR = {str(tmp_path / 'pets')!r}"
        kept.append(cell)
    kept.append(nbformat.v4.new_code_cell(
        "import torch\n"
        "assert MODEL_ARGS == dict(in_channels=3, num_classes=2), MODEL_ARGS\n"
        "x, y = next(iter(val_loader))\n"
        "model.eval()\n"
        "with torch.no_grad():\n"
        "    out = model(x.to(next(model.parameters()).device))\n"
        "assert out.shape == (len(x), 2), out.shape\n"
        "print('IMAGEFOLDER OK')"))
    nb.cells = kept
    NotebookClient(nb, timeout=600, kernel_name="python3",
                   resources={"metadata": {"path": str(tmp_path)}}).execute()
    printed = "".join(o.get("text", "") for c in nb.cells for o in c.get("outputs", []))
    assert "ImageFolder" in printed and "IMAGEFOLDER OK" in printed, printed[-2000:]
