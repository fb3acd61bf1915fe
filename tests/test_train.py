"""The training loop learns, records curves and shows tqdm progress."""
import torch
from torch import nn

from cnncourse import evaluate, seed_everything, tensor_loaders, train


def test_a_linear_model_learns_fashion_mnist_quickly():
    seed_everything(0)
    tr, va, _ = tensor_loaders(batch_size=128, train_subset=4000)
    model = nn.Sequential(nn.Flatten(), nn.Linear(784, 10))
    history = train(model, tr, va, epochs=2, lr=0.05, progress=False)
    assert len(history.train_loss) == 2 and len(history.val_acc) == 2
    assert history.train_loss[1] < history.train_loss[0]
    assert history.val_acc[-1] > 0.7
    loss, acc = evaluate(model, va)
    assert abs(acc - history.val_acc[-1]) < 1e-9 and loss > 0


def test_training_is_repeatable_with_a_seed():
    def run():
        seed_everything(3)
        tr, _, _ = tensor_loaders(batch_size=64, train_subset=512)
        model = nn.Sequential(nn.Flatten(), nn.Linear(784, 10))
        train(model, tr, epochs=1, progress=False)
        return model[1].weight.detach().clone()
    assert torch.equal(run(), run())


def test_progress_bar_is_shown(capsys):
    tr, _, _ = tensor_loaders(batch_size=64, train_subset=256)
    train(nn.Sequential(nn.Flatten(), nn.Linear(784, 10)), tr, epochs=1, max_batches=2)
    assert "epoch 1/1" in capsys.readouterr().err
