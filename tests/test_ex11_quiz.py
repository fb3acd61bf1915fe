"""Exercise 11-quiz: planted mistakes lose points, other correct answers do not."""
from assignment_checks import AssignmentChecks

ANSWERS = {
    "q01": '{"d"}', "q02": '{"a", "c"}', "q03": "False", "q04": "False", "q05": '{"b"}',
    "q06": '{"a", "b"}', "q07": "17", "q08": '{"a", "b"}', "q09": '{"a", "b"}', "q10": '{"a", "c", "d"}',
    "q11": "14", "q12": "1792", "q13": "True", "q14": "6", "q15": '{"a", "b", "d"}', "q16": "420",
    "q17": '{"a", "b", "d"}', "q18": "False", "q19": '{"c"}', "q20": '{"a", "b", "d"}', "q21": "True",
    "q22": "256", "q23": "512", "q24": '{"b"}', "q25": '{"c"}', "q26": '{"a", "b"}', "q27": "False",
    "q28": "1026",
}


def quiz(**changes: str) -> str:
    """The solution's answer cell with some answers replaced."""
    assert set(changes) <= set(ANSWERS), changes
    return "\n".join(f"{k} = {changes.get(k, v)}" for k, v in ANSWERS.items())


class TestQuiz(AssignmentChecks):
    ASSIGNMENT = "11-quiz"
    MISTAKES = {
        # the source's answer key "2,4" for questions 2 and 6
        "source_key_q02": ({"quiz_answers": quiz(q02='{"b", "d"}')}, {"test_q02"}),
        "source_key_q06": ({"quiz_answers": quiz(q06='{"b", "d"}')}, {"test_q06"}),
        "one_true_option_missing": ({"quiz_answers": quiz(q10='{"a", "d"}', q20='{"a", "b"}')}, {"test_q10", "test_q20"}),
        "one_false_option_added": ({"quiz_answers": quiz(q08='{"a", "b", "c"}', q15='{"a", "b", "c", "d"}')},
                                   {"test_q08", "test_q15"}),
        "off_by_one_option": ({"quiz_answers": quiz(q01='{"c"}', q19='{"b"}')}, {"test_q01", "test_q19"}),
        "filter_without_bias": ({"quiz_answers": quiz(q07="16")}, {"test_q07"}),
        "size_rounded_up": ({"quiz_answers": quiz(q11="15")}, {"test_q11"}),
        "conv_params_without_bias": ({"quiz_answers": quiz(q12="1728", q28="1024")}, {"test_q12", "test_q28"}),
        "receptive_field_ignores_pool": ({"quiz_answers": quiz(q14="5")}, {"test_q14"}),
        "densenet_counts_one_layer_less": ({"quiz_answers": quiz(q22="224", q23="480")}, {"test_q22", "test_q23"}),
        "wrong_bools": ({"quiz_answers": quiz(q03="True", q13="False", q21="False", q27="True")},
                        {"test_q03", "test_q13", "test_q21", "test_q27"}),
        "wrong_network": ({"quiz_answers": quiz(q24='{"d"}', q25='{"d"}')}, {"test_q24", "test_q25"}),
        "bool_as_string": ({"quiz_answers": quiz(q04='"False"')}, {"test_q04"}),
        "letters_as_string": ({"quiz_answers": quiz(q09='"ab"', q26='["a", "b"]')}, {"test_q09", "test_q26"}),
        "number_as_float": ({"quiz_answers": quiz(q16="420.0")}, {"test_q16"}),
        "all_options_ticked": ({"quiz_answers": quiz(q05='{"a", "b", "c", "d"}', q17='{"a", "b", "c", "d"}')},
                               {"test_q05", "test_q17"}),
        "symmetry_myth": ({"quiz_answers": quiz(q18="True")}, {"test_q18"}),
    }
    ALTERNATIVES = {
        "written_differently": {"quiz_answers": quiz(
            q01='set("d")', q02='set("ac")', q03="1 == 2", q04="not True", q05='{"B"}', q06='{"b", "a"}',
            q07="16 + 1", q10='set("dca")', q11="(28 + 2 * 1 - 3) // 2 + 1", q12="64 * (3 * 3 * 3 + 1)",
            q13="bool(1)", q14="1 + 2 + 2 + 1", q16="1 * 3 * 14 * 10", q22="64 + 6 * 32", q23="128 + 12 * 32",
            q24='{" b "}', q28="512 * 2 + 2")},
    }
