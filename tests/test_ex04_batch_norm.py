"""Exercise 04-batch-norm: planted mistakes lose points, other correct code does not."""
from assignment_checks import AssignmentChecks

BATCH_NORM = '''
def batch_norm(x, gamma, beta, running_mean, running_var, training, momentum=0.1, eps=1e-5):
    dims = [0] + list(range(2, x.dim()))
    shape = [1, -1] + [1] * (x.dim() - 2)
    if training:
        mean = x.mean(dim=dims)
        var = x.var(dim=dims, correction=0)
        m = x.numel() // x.shape[1]
        with torch.no_grad():
            running_mean.mul_(1 - momentum).add_(momentum * mean)
            running_var.mul_(1 - momentum).add_(momentum * var * m / (m - 1))
    else:
        mean, var = running_mean, running_var
    x_hat = (x - mean.view(shape)) / torch.sqrt(var.view(shape) + eps)
    return gamma.view(shape) * x_hat + beta.view(shape)
'''

MODULE = '''
class BatchNorm2d(nn.Module):
    def __init__(self, num_features, eps=1e-5, momentum=0.1):
        super().__init__()
        self.num_features = num_features
        self.eps = eps
        self.momentum = momentum
        self.weight = nn.Parameter(torch.ones(num_features))
        self.bias = nn.Parameter(torch.zeros(num_features))
        self.register_buffer("running_mean", torch.zeros(num_features))
        self.register_buffer("running_var", torch.ones(num_features))
        self.register_buffer("num_batches_tracked", torch.tensor(0, dtype=torch.long))

    def forward(self, x):
        if self.training:
            self.num_batches_tracked.add_(1)
        return batch_norm(x, self.weight, self.bias, self.running_mean, self.running_var,
                          self.training, self.momentum, self.eps)
'''


def _changed(base: str, *edits: tuple[str, str]) -> str:
    """The solution's code with targeted edits (a planted mistake)."""
    for old, new in edits:
        assert old in base, old
        base = base.replace(old, new)
    return base


def _bn(*edits):
    return {"batch_norm": _changed(BATCH_NORM, *edits)}


def _module(*edits):
    return {"BatchNorm2d": _changed(MODULE, *edits)}


BATCH_NORM_VAR_MEAN = '''
def batch_norm(x, gamma, beta, running_mean, running_var, training, momentum=0.1, eps=1e-5):
    c = x.shape[1]
    # channels first, everything else flattened: (C, m)
    flat = x.transpose(0, 1).reshape(c, -1)
    if training:
        var, mean = torch.var_mean(flat, dim=1, unbiased=False)
        m = flat.shape[1]
        running_mean.copy_((1 - momentum) * running_mean + momentum * mean.detach())
        running_var.copy_((1 - momentum) * running_var + momentum * var.detach() * m / (m - 1))
    else:
        mean, var = running_mean, running_var
    out = (flat - mean[:, None]) * torch.rsqrt(var[:, None] + eps) * gamma[:, None] + beta[:, None]
    rest = [x.shape[0]] + list(x.shape[2:])
    return out.reshape(c, *rest).transpose(0, 1)
'''

BATCH_NORM_SUMS = '''
def batch_norm(x, gamma, beta, running_mean, running_var, training, momentum=0.1, eps=1e-5):
    if x.dim() == 4:
        axes, view = (0, 2, 3), (1, -1, 1, 1)
    else:
        axes, view = (0,), (1, -1)
    if training:
        m = 1
        for a in axes:
            m *= x.shape[a]
        mean = x.sum(dim=axes) / m
        centred = x - mean.reshape(view)
        var = (centred ** 2).sum(dim=axes) / m
        with torch.no_grad():
            running_mean *= 1 - momentum
            running_mean += momentum * mean
            running_var *= 1 - momentum
            running_var += momentum * var * m / (m - 1)
    else:
        centred = x - running_mean.reshape(view)
        var = running_var
    return centred / (var.reshape(view) + eps) ** 0.5 * gamma.reshape(view) + beta.reshape(view)
'''

MODULE_INLINE = '''
class BatchNorm2d(nn.Module):
    def __init__(self, num_features, eps=1e-5, momentum=0.1):
        super().__init__()
        self.eps, self.momentum = eps, momentum
        self.weight = nn.Parameter(torch.ones(num_features))
        self.bias = nn.Parameter(torch.zeros(num_features))
        self.register_buffer("running_mean", torch.zeros(num_features))
        self.register_buffer("running_var", torch.ones(num_features))
        self.register_buffer("num_batches_tracked", torch.zeros((), dtype=torch.long))

    def forward(self, x):
        if self.training:
            mean = x.mean(dim=(0, 2, 3))
            var = x.var(dim=(0, 2, 3), unbiased=False)
            n = x.numel() / x.shape[1]
            with torch.no_grad():
                self.running_mean.lerp_(mean, self.momentum)
                self.running_var.lerp_(var * n / (n - 1), self.momentum)
                self.num_batches_tracked += 1
        else:
            mean, var = self.running_mean, self.running_var
        x_hat = (x - mean[None, :, None, None]) / torch.sqrt(var[None, :, None, None] + self.eps)
        return self.weight[None, :, None, None] * x_hat + self.bias[None, :, None, None]
'''

MODULE_PARAMETER_LIST = '''
class BatchNorm2d(nn.Module):
    def __init__(self, num_features, eps=1e-5, momentum=0.1):
        super().__init__()
        self.eps = eps
        self.momentum = momentum
        self.register_parameter("weight", nn.Parameter(torch.ones(num_features)))
        self.register_parameter("bias", nn.Parameter(torch.zeros(num_features)))
        for name, value in [("running_mean", torch.zeros(num_features)), ("running_var", torch.ones(num_features)),
                            ("num_batches_tracked", torch.tensor(0))]:
            self.register_buffer(name, value)

    def forward(self, x):
        out = batch_norm(x, self.weight, self.bias, self.running_mean, self.running_var,
                         training=self.training, momentum=self.momentum, eps=self.eps)
        if self.training:
            self.num_batches_tracked += 1
        return out
'''

QUIZ = {"q1": "False", "q2": '{"a", "b", "d"}', "q3": '{"a"}', "q4": "128", "q5": '{"a", "b", "c"}',
        "q6": "True", "q7": "3", "q8": "6", "q9": "9"}


def _quiz(**changes: str) -> str:
    return "\n".join(f"{k} = {changes.get(k, v)}" for k, v in QUIZ.items())


class TestBatchNorm(AssignmentChecks):
    ASSIGNMENT = "04-batch-norm"
    MISTAKES = {
        "unbiased_variance_in_normalisation": (
            _bn(("var = x.var(dim=dims, correction=0)", "var = x.var(dim=dims)"),
                ("var * m / (m - 1)", "var")),
            {"test_batch_norm_training_output"}),
        "running_stats_not_updated": (
            _bn(("            running_mean.mul_(1 - momentum).add_(momentum * mean)\n"
                 "            running_var.mul_(1 - momentum).add_(momentum * var * m / (m - 1))\n",
                 "            pass\n")),
            {"test_batch_norm_running_stats"}),
        "momentum_backwards": (
            _bn(("running_mean.mul_(1 - momentum).add_(momentum * mean)", "running_mean.mul_(momentum).add_((1 - momentum) * mean)"),
                ("running_var.mul_(1 - momentum).add_(momentum * var * m / (m - 1))",
                 "running_var.mul_(momentum).add_((1 - momentum) * var * m / (m - 1))")),
            {"test_batch_norm_running_stats"}),
        "running_var_biased": (
            _bn(("add_(momentum * var * m / (m - 1))", "add_(momentum * var)")),
            {"test_batch_norm_running_stats"}),
        "running_stats_rebound_not_in_place": (
            _bn(("running_mean.mul_(1 - momentum).add_(momentum * mean)", "running_mean = (1 - momentum) * running_mean + momentum * mean"),
                ("running_var.mul_(1 - momentum).add_(momentum * var * m / (m - 1))",
                 "running_var = (1 - momentum) * running_var + momentum * var * m / (m - 1)")),
            {"test_batch_norm_running_stats"}),
        "running_update_tracked_by_autograd": (
            _bn(("        with torch.no_grad():\n"
                 "            running_mean.mul_(1 - momentum).add_(momentum * mean)\n"
                 "            running_var.mul_(1 - momentum).add_(momentum * var * m / (m - 1))\n",
                 "        running_mean.mul_(1 - momentum).add_(momentum * mean)\n"
                 "        running_var.mul_(1 - momentum).add_(momentum * var * m / (m - 1))\n")),
            {"test_batch_norm_running_stats"}),
        "eval_uses_batch_statistics": (
            _bn(("    if training:\n", "    if True:\n")),
            {"test_batch_norm_eval"}),
        "eps_outside_sqrt": (
            _bn(("torch.sqrt(var.view(shape) + eps)", "(torch.sqrt(var.view(shape)) + eps)")),
            {"test_batch_norm_eps"}),
        "eps_argument_ignored": (
            _bn(("torch.sqrt(var.view(shape) + eps)", "torch.sqrt(var.view(shape) + 1e-5)")),
            {"test_batch_norm_eps"}),
        "per_sample_statistics": (
            _bn(("dims = [0] + list(range(2, x.dim()))", "dims = list(range(1, x.dim()))"),
                ("mean.view(shape)", "(mean.view(-1, *[1] * (x.dim() - 1)) if training else mean.view(shape))"),
                ("var.view(shape) + eps", "(var.view(-1, *[1] * (x.dim() - 1)) if training else var.view(shape)) + eps"),
                ("running_mean.mul_(1 - momentum).add_(momentum * mean)", "running_mean.mul_(1 - momentum).add_(momentum * mean.mean())"),
                ("add_(momentum * var * m / (m - 1))", "add_(momentum * var.mean() * m / (m - 1))")),
            {"test_batch_norm_training_output"}),
        "spatial_axes_forgotten": (
            _bn(("dims = [0] + list(range(2, x.dim()))", "dims = [0]"),
                ("mean.view(shape)", "(mean.unsqueeze(0) if training else mean.view(shape))"),
                ("var.view(shape) + eps", "(var.unsqueeze(0) if training else var.view(shape)) + eps"),
                ("running_mean.mul_(1 - momentum).add_(momentum * mean)",
                 "running_mean.mul_(1 - momentum).add_(momentum * mean.reshape(mean.shape[0], -1).mean(1))"),
                ("add_(momentum * var * m / (m - 1))", "add_(momentum * var.reshape(var.shape[0], -1).mean(1) * m / (m - 1))")),
            {"test_batch_norm_training_output"}),
        "statistics_detached": (
            _bn(("mean = x.mean(dim=dims)", "mean = x.detach().mean(dim=dims)"),
                ("var = x.var(dim=dims, correction=0)", "var = x.detach().var(dim=dims, correction=0)")),
            {"test_batch_norm_gradient"}),
        "calls_F_batch_norm": (
            {"batch_norm": "def batch_norm(x, gamma, beta, running_mean, running_var, training, momentum=0.1, eps=1e-5):\n"
                           "    return F.batch_norm(x, running_mean, running_var, gamma, beta, training, momentum, eps)"},
            {"test_batch_norm_from_scratch"}),
        "calls_instance_norm": (
            {"batch_norm": "def batch_norm(x, gamma, beta, running_mean, running_var, training, momentum=0.1, eps=1e-5):\n"
                           "    if not training:\n"
                           "        shape = [1, -1] + [1] * (x.dim() - 2)\n"
                           "        return (x - running_mean.view(shape)) / torch.sqrt(running_var.view(shape) + eps) * gamma.view(shape) + beta.view(shape)\n"
                           "    flat = x.transpose(0, 1).reshape(1, x.shape[1], -1)\n"
                           "    m = flat.shape[2]\n"
                           "    with torch.no_grad():\n"
                           "        running_mean.mul_(1 - momentum).add_(momentum * flat.mean(2)[0])\n"
                           "        running_var.mul_(1 - momentum).add_(momentum * flat.var(2)[0])\n"
                           "    out = F.instance_norm(flat, weight=gamma, bias=beta, eps=eps)\n"
                           "    return out.reshape(x.shape[1], x.shape[0], *x.shape[2:]).transpose(0, 1)"},
            {"test_batch_norm_from_scratch"}),
        "module_without_num_batches_tracked": (
            _module(('        self.register_buffer("num_batches_tracked", torch.tensor(0, dtype=torch.long))\n', ""),
                    ("        if self.training:\n            self.num_batches_tracked.add_(1)\n", "")),
            {"test_batchnorm2d_state_dict"}),
        "module_stats_as_plain_attributes": (
            _module(('self.register_buffer("running_mean", torch.zeros(num_features))', "self.running_mean = torch.zeros(num_features)"),
                    ('self.register_buffer("running_var", torch.ones(num_features))', "self.running_var = torch.ones(num_features)")),
            {"test_batchnorm2d_state_dict"}),
        "module_stats_as_parameters": (
            _module(('self.register_buffer("running_mean", torch.zeros(num_features))',
                     "self.running_mean = nn.Parameter(torch.zeros(num_features), requires_grad=False)"),
                    ('self.register_buffer("running_var", torch.ones(num_features))',
                     "self.running_var = nn.Parameter(torch.ones(num_features), requires_grad=False)")),
            {"test_batchnorm2d_parameters"}),
        "module_random_weight_init": (
            _module(("nn.Parameter(torch.ones(num_features))", "nn.Parameter(torch.randn(num_features))")),
            {"test_batchnorm2d_state_dict"}),
        "module_ignores_momentum_and_eps": (
            _module(("self.training, self.momentum, self.eps)", "self.training)")),
            {"test_batchnorm2d_training"}),
        "module_always_training": (
            _module(("self.training, self.momentum, self.eps)", "True, self.momentum, self.eps)")),
            {"test_batchnorm2d_eval"}),
        "module_never_counts_batches": (
            _module(("            self.num_batches_tracked.add_(1)\n", "            pass\n")),
            {"test_batchnorm2d_training"}),
        "module_wraps_F_batch_norm": (
            _module(("return batch_norm(x, self.weight, self.bias, self.running_mean, self.running_var,",
                     "return F.batch_norm(x, self.running_mean, self.running_var, self.weight, self.bias,")),
            {"test_batchnorm2d_from_scratch"}),
        "quiz_test_batch_statistics": (
            {"quiz_answers": _quiz(q1="True", q3='{"b"}')}, {"test_q1", "test_q3"}),
        "quiz_off_by_one_option": (
            {"quiz_answers": _quiz(q2='{"a", "d"}', q5='{"a", "b", "c", "d"}')}, {"test_q2", "test_q5"}),
        "quiz_wrong_numbers": (
            {"quiz_answers": _quiz(q4="64", q6="False", q7="27", q8="9", q9="6")},
            {"test_q4", "test_q6", "test_q7", "test_q8", "test_q9"}),
    }
    ALTERNATIVES = {
        "batch_norm_var_mean_flat": {"batch_norm": BATCH_NORM_VAR_MEAN},
        "batch_norm_explicit_sums": {"batch_norm": BATCH_NORM_SUMS},
        "module_inline": {"BatchNorm2d": MODULE_INLINE},
        "module_register_calls": {"BatchNorm2d": MODULE_PARAMETER_LIST},
        "quiz_written_differently": {"quiz_answers": (
            'q1 = 1 > 2\nq2 = set("abd")\nq3 = set("a")\nq4 = 2 * 64\nq5 = {"c", "b", "a"}\nq6 = not False\n'
            'q7 = 30 // 10\nq8 = (9 + 0 + 9) // 3\nq9 = (9 + 0 + 9) // 2')},
    }
