"""Exercise 03-activations-init: planted mistakes lose points, other correct code does not."""
from assignment_checks import AssignmentChecks


def _fn(signature: str, *body: str) -> str:
    return f"def {signature}:\n" + "".join(f"    {line}\n" for line in body)


QUIZ = {"q1": '{"a", "b"}', "q2": "True", "q3": "False", "q4": '{"a", "b", "c"}', "q5": '{"a", "b"}',
        "q6": "16", "q7": "False", "q8": '{"a", "b", "c", "d"}'}


def _quiz(**changes: str) -> str:
    return "\n".join(f"{k} = {changes.get(k, v)}" for k, v in QUIZ.items())


class TestActivationsInit(AssignmentChecks):
    ASSIGNMENT = "03-activations-init"
    MISTAKES = {
        # sigmoid
        "sigmoid_exp_ratio": (
            {"sigmoid": _fn("sigmoid(x)", "return torch.exp(x) / (1 + torch.exp(x))")},
            {"test_sigmoid_stable"}),
        "sigmoid_naive_nan_gradient": (
            {"sigmoid": _fn("sigmoid(x)", "return 1 / (1 + torch.exp(-x))")},
            {"test_sigmoid_stable"}),
        "sigmoid_where_with_overflowing_branch": (
            {"sigmoid": _fn("sigmoid(x)", "return torch.where(x >= 0, 1 / (1 + torch.exp(-x)), torch.exp(x) / (1 + torch.exp(x)))")},
            {"test_sigmoid_stable"}),
        "sigmoid_always_float32": (
            {"sigmoid": _fn("sigmoid(x)", "x = x.float()", "z = torch.exp(-x.abs())",
                            "return torch.where(x >= 0, 1 / (1 + z), z / (1 + z))")},
            {"test_sigmoid_values"}),
        "sigmoid_not_differentiable": (
            {"sigmoid": _fn("sigmoid(x)", "x = x.detach()", "z = torch.exp(-x.abs())",
                            "return torch.where(x >= 0, 1 / (1 + z), z / (1 + z))")},
            {"test_sigmoid_gradient"}),
        "sigmoid_calls_torch": (
            {"sigmoid": _fn("sigmoid(x)", "return torch.sigmoid(x)")},
            {"test_sigmoid_from_scratch"}),
        "sigmoid_calls_special_expit": (
            {"sigmoid": _fn("sigmoid(x)", "return torch.special.expit(x)")},
            {"test_sigmoid_from_scratch"}),
        # tanh
        "tanh_textbook_formula": (
            {"tanh": _fn("tanh(x)", "return (torch.exp(x) - torch.exp(-x)) / (torch.exp(x) + torch.exp(-x))")},
            {"test_tanh_stable"}),
        "tanh_half_argument": (
            {"tanh": _fn("tanh(x)", "return 2 * sigmoid(x) - 1")},
            {"test_tanh_values", "test_tanh_gradient"}),
        "tanh_calls_torch": (
            {"tanh": _fn("tanh(x)", "return torch.tanh(x)")},
            {"test_tanh_from_scratch"}),
        # relu
        "relu_clamp_in_place": (
            {"relu": _fn("relu(x)", "return x.clamp_(min=0)")},
            {"test_relu_keeps_input", "test_relu_gradient"}),
        "relu_masked_assignment": (
            {"relu": _fn("relu(x)", "x[x < 0] = 0", "return x")},
            {"test_relu_keeps_input"}),
        "relu_calls_F_relu": (
            {"relu": _fn("relu(x)", "return F.relu(x)")},
            {"test_relu_from_scratch"}),
        "relu_calls_nn_module": (
            {"relu": _fn("relu(x)", "return torch.nn.ReLU()(x)")},
            {"test_relu_from_scratch"}),
        # leaky relu
        "leaky_slope_on_positives": (
            {"leaky_relu": _fn("leaky_relu(x, negative_slope=0.01)", "return torch.where(x > 0, negative_slope * x, x)")},
            {"test_leaky_relu_values", "test_leaky_relu_slope"}),
        "leaky_fixed_slope": (
            {"leaky_relu": _fn("leaky_relu(x, negative_slope=0.01)", "return torch.where(x > 0, x, 0.01 * x)")},
            {"test_leaky_relu_slope"}),
        "leaky_calls_F": (
            {"leaky_relu": _fn("leaky_relu(x, negative_slope=0.01)", "return F.leaky_relu(x, negative_slope)")},
            {"test_leaky_relu_from_scratch"}),
        # elu
        "elu_without_alpha": (
            {"elu": _fn("elu(x, alpha=1.0)", "return torch.where(x > 0, x, torch.expm1(x.clamp(max=0)))")},
            {"test_elu_alpha"}),
        "elu_branches_swapped": (
            {"elu": _fn("elu(x, alpha=1.0)", "return torch.where(x < 0, x, alpha * torch.expm1(x.clamp(max=0)))")},
            {"test_elu_values"}),
        "elu_missing_minus_one": (
            {"elu": _fn("elu(x, alpha=1.0)", "return torch.where(x > 0, x, alpha * torch.exp(x.clamp(max=0)))")},
            {"test_elu_values", "test_elu_alpha"}),
        "elu_exp_overflows_in_unused_branch": (
            {"elu": _fn("elu(x, alpha=1.0)", "return torch.where(x > 0, x, alpha * (torch.exp(x) - 1))")},
            {"test_elu_stable"}),
        "elu_calls_F": (
            {"elu": _fn("elu(x, alpha=1.0)", "return F.elu(x, alpha)")},
            {"test_elu_from_scratch"}),
        # xavier
        "xavier_notes_scale": (
            {"xavier_normal": _fn("xavier_normal(fan_in, fan_out, generator=None)",
                                  "return torch.randn(fan_in, fan_out, generator=generator) / math.sqrt(fan_in)")},
            {"test_xavier_normal_statistics"}),
        "xavier_uniform": (
            {"xavier_normal": _fn("xavier_normal(fan_in, fan_out, generator=None)",
                                  "bound = math.sqrt(6 / (fan_in + fan_out))",
                                  "return (2 * torch.rand(fan_in, fan_out, generator=generator) - 1) * bound")},
            {"test_xavier_normal_statistics"}),
        "xavier_ignores_generator": (
            {"xavier_normal": _fn("xavier_normal(fan_in, fan_out, generator=None)",
                                  "return torch.randn(fan_in, fan_out) * math.sqrt(2 / (fan_in + fan_out))")},
            {"test_xavier_normal_generator"}),
        "xavier_float64": (
            {"xavier_normal": _fn("xavier_normal(fan_in, fan_out, generator=None)",
                                  "w = torch.randn(fan_in, fan_out, generator=generator, dtype=torch.float64)",
                                  "return w * math.sqrt(2 / (fan_in + fan_out))")},
            {"test_xavier_normal_shape_dtype"}),
        "xavier_transposed": (
            {"xavier_normal": _fn("xavier_normal(fan_in, fan_out, generator=None)",
                                  "return torch.randn(fan_out, fan_in, generator=generator) * math.sqrt(2 / (fan_in + fan_out))")},
            {"test_xavier_normal_shape_dtype"}),
        # he
        "he_without_factor_two": (
            {"he_normal": _fn("he_normal(fan_in, fan_out, generator=None)",
                              "return torch.randn(fan_in, fan_out, generator=generator) * math.sqrt(1 / fan_in)")},
            {"test_he_normal_statistics"}),
        "he_uses_fan_out": (
            {"he_normal": _fn("he_normal(fan_in, fan_out, generator=None)",
                              "return torch.randn(fan_in, fan_out, generator=generator) * math.sqrt(2 / fan_out)")},
            {"test_he_normal_statistics"}),
        "he_ignores_generator": (
            {"he_normal": _fn("he_normal(fan_in, fan_out, generator=None)",
                              "return torch.randn(fan_in, fan_out) * math.sqrt(2 / fan_in)")},
            {"test_he_normal_generator"}),
        "he_numpy_float64": (
            {"he_normal": "import numpy as np\n" + _fn("he_normal(fan_in, fan_out, generator=None)",
                                                       "return torch.from_numpy(np.random.randn(fan_in, fan_out) * np.sqrt(2 / fan_in))")},
            {"test_he_normal_shape_dtype", "test_he_normal_generator"}),
        # quiz
        "quiz_relu_saturates_too": (
            {"quiz_answers": _quiz(q1='{"a", "b", "e"}')}, {"test_q1"}),
        "quiz_off_by_one_option": (
            {"quiz_answers": _quiz(q4='{"a", "b", "c", "d"}', q5='{"a", "b", "c"}', q8='{"a", "b", "c", "d", "e"}')},
            {"test_q4", "test_q5", "test_q8"}),
        "quiz_wrong_values": (
            {"quiz_answers": _quiz(q2="False", q3="True", q6="32", q7="True")},
            {"test_q2", "test_q3", "test_q6", "test_q7"}),
    }
    ALTERNATIVES = {
        "sigmoid_abs": {"sigmoid": _fn("sigmoid(x)", "e = torch.exp(-x.abs())",
                                       "return torch.where(x >= 0, 1 / (1 + e), e / (1 + e))")},
        "sigmoid_logaddexp": {"sigmoid": _fn("sigmoid(x)", "return torch.exp(-torch.logaddexp(torch.zeros_like(x), -x))")},
        "tanh_from_sigmoid": {"tanh": _fn("tanh(x)", "return 2 * sigmoid(2 * x) - 1")},
        "tanh_sign_expm1": {"tanh": _fn("tanh(x)", "e = torch.exp(-2 * x.abs())",
                                        "return torch.sign(x) * -torch.expm1(-2 * x.abs()) / (1 + e)")},
        "relu_clamp": {"relu": _fn("relu(x)", "return x.clamp(min=0)")},
        "relu_maximum": {"relu": _fn("relu(x)", "return torch.maximum(x, torch.zeros_like(x))")},
        "relu_mask_product": {"relu": _fn("relu(x)", "return x * (x > 0)")},
        "relu_abs": {"relu": _fn("relu(x)", "return (x + x.abs()) / 2")},
        "leaky_maximum": {"leaky_relu": _fn("leaky_relu(x, negative_slope=0.01)",
                                            "return torch.maximum(x, negative_slope * x)")},
        "leaky_from_relu": {"leaky_relu": _fn("leaky_relu(x, negative_slope=0.01)",
                                              "return relu(x) - negative_slope * relu(-x)")},
        "elu_minimum": {"elu": _fn("elu(x, alpha=1.0)",
                                   "negative = torch.minimum(x, torch.zeros_like(x))",
                                   "return torch.where(x > 0, x, alpha * (torch.exp(negative) - 1))")},
        "elu_from_relu": {"elu": _fn("elu(x, alpha=1.0)", "return relu(x) + alpha * torch.expm1(-relu(-x))")},
        "xavier_normal_": {"xavier_normal": _fn("xavier_normal(fan_in, fan_out, generator=None)",
                                                "std = (2 / (fan_in + fan_out)) ** 0.5",
                                                "return torch.empty(fan_in, fan_out).normal_(0.0, std, generator=generator)")},
        "xavier_torch_init": {"xavier_normal": _fn("xavier_normal(fan_in, fan_out, generator=None)",
                                                   "w = torch.empty(fan_out, fan_in)",
                                                   "return torch.nn.init.xavier_normal_(w, generator=generator).T")},
        "he_torch_normal": {"he_normal": _fn("he_normal(fan_in, fan_out, generator=None)",
                                             "return torch.normal(0.0, math.sqrt(2 / fan_in), size=(fan_in, fan_out), generator=generator)")},
        "he_notes_form": {"he_normal": _fn("he_normal(fan_in, fan_out, generator=None)",
                                           "return torch.randn(fan_in, fan_out, generator=generator) / math.sqrt(fan_in / 2)")},
        "quiz_written_differently": {"quiz_answers": (
            'q1 = set("ab")\nq2 = 1 > 0\nq3 = not True\nq4 = {"c", "b", "a"}\nq5 = {"b", "a"}\n'
            'q6 = 2 ** 4\nq7 = 1 < 0\nq8 = set("dcba")')},
    }
