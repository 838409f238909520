package dev.comfy4j.engine;

import static dev.comfy4j.engine.Prompts.json;
import static dev.comfy4j.engine.Prompts.value;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import org.junit.jupiter.api.Test;

/** One test per validation error type, with ComfyUI's JSON (api-spec §7.3, execution spec §4). */
class ValidatorTest {
    private final Prompts p = new Prompts();

    private JsonNode errorsOf(ValidationOutcome v, String node) {
        return v.nodeErrors().get(node).get("errors");
    }

    @Test
    void missingClassTypeIsReportedForTheFirstNodeInPromptOrder() {
        ValidationOutcome v = p.validate("{'5': {'inputs': {}}, '1': {'class_type': 'Nope', 'inputs': {}}}");
        assertThat(v.error()).isEqualTo(json("{'type': 'invalid_prompt', 'message': "
                + "'Cannot execute because a node is missing the class_type property.', 'details': 'Node ID #5', 'extra_info': {}}")
                .put("details", "Node ID '#5'"));
        assertThat(v.nodeErrors()).isEmpty();
    }

    @Test
    void unknownClassIsInvalidPrompt() {
        ValidationOutcome v = p.validate("{'7': {'class_type': 'FooBar', 'inputs': {}}}");
        assertThat(v.error().get("message").asText()).isEqualTo("Cannot execute because node FooBar does not exist.");
        assertThat(v.error().get("details").asText()).isEqualTo("Node ID '#7'");
    }

    @Test
    void nonObjectPromptGivesAnInvalidPromptError() {
        ValidationOutcome v = p.engine.validate("p", value("[1, 2]"), null);
        assertThat(v.valid()).isFalse();
        assertThat(v.error().get("type").asText()).isEqualTo("invalid_prompt");
        assertThat(v.error().get("details").asText()).isEqualTo("prompt is array");
    }

    @Test
    void noOutputsAndEmptyTargets() {
        assertThat(p.validate("{'1': {'class_type': 'PrimitiveInt', 'inputs': {'value': 1}}}").error())
                .isEqualTo(json("{'type': 'prompt_no_outputs', 'message': 'Prompt has no outputs', 'details': '', 'extra_info': {}}"));
        ValidationOutcome v = p.engine.validate("p", json("{'1': {'class_type': 'PreviewAny', 'inputs': {'source': 1}}}"), List.of());
        assertThat(v.error().get("type").asText()).isEqualTo("prompt_no_outputs");
    }

    @Test
    void partialTargetsSelectOutputs() {
        ValidationOutcome v = p.engine.validate("p", json("{'1': {'class_type': 'PreviewAny', 'inputs': {'source': 1}},"
                + "'2': {'class_type': 'PreviewAny', 'inputs': {'source': 2}}, '3': {'class_type': 'PrimitiveInt', 'inputs': {'value': 1}}}"),
                List.of("2", "3"));
        assertThat(v.outputs()).containsExactly("2");
    }

    @Test
    void requiredInputMissingOnTheOutputFillsDetails() {
        ValidationOutcome v = p.validate("{'1': {'class_type': 'PreviewAny', 'inputs': {}}}");
        assertThat(v.error()).isEqualTo(json("{'type': 'prompt_outputs_failed_validation', 'message': "
                + "'Prompt outputs failed validation', 'details': 'Required input is missing: source', 'extra_info': {}}"));
        assertThat(v.nodeErrors()).isEqualTo(json("{'1': {'errors': [{'type': 'required_input_missing', 'message': "
                + "'Required input is missing', 'details': 'source', 'extra_info': {'input_name': 'source'}}], "
                + "'dependent_outputs': ['1'], 'class_type': 'PreviewAny'}}"));
    }

    @Test
    void badLinkedInput() {
        ValidationOutcome v = p.validate("{'1': {'class_type': 'PreviewAny', 'inputs': {'source': ['2', 0, 1]}}}");
        assertThat(errorsOf(v, "1").get(0)).isEqualTo(json("{'type': 'bad_linked_input', 'message': "
                + "'Bad linked input, must be a length-2 list of [node_id, slot_index]', 'details': 'source', "
                + "'extra_info': {'input_name': 'source', 'input_config': ['*', {}], 'received_value': ['2', 0, 1]}}"));
    }

    @Test
    void returnTypeMismatch() {
        ValidationOutcome v = p.validate("{'1': {'class_type': 'PrimitiveInt', 'inputs': {'value': 1}},"
                + "'2': {'class_type': 'StringLength', 'inputs': {'string': ['1', 0]}},"
                + "'3': {'class_type': 'PreviewAny', 'inputs': {'source': ['2', 0]}}}");
        assertThat(v.nodeErrors().get("2")).isEqualTo(json("{'errors': [{'type': 'return_type_mismatch', 'message': "
                + "'Return type mismatch between linked nodes', 'details': 'string, received_type(INT) mismatch input_type(STRING)', "
                + "'extra_info': {'input_name': 'string', 'input_config': ['STRING', {'multiline': true}], "
                + "'received_type': 'INT', 'linked_node': ['1', 0]}}], 'dependent_outputs': ['3'], 'class_type': 'StringLength'}"));
    }

    @Test
    void linkToMissingNodeFromAnOutputIsExceptionDuringValidation() {
        ValidationOutcome v = p.validate("{'2': {'class_type': 'PreviewAny', 'inputs': {'source': ['9', 0]}}}");
        JsonNode e = errorsOf(v, "2").get(0);
        assertThat(e.get("type").asText()).isEqualTo("exception_during_validation");
        assertThat(e.get("details").asText()).isEqualTo("'9'");
        assertThat(e.get("extra_info").get("exception_type").asText()).isEqualTo("KeyError");
        assertThat(e.get("extra_info").get("traceback").isArray()).isTrue();
        assertThat(v.error().get("details").asText()).isEqualTo("Exception when validating node: '9'");
    }

    @Test
    void badSlotBelowIsRecordedOnTheInnerNodeWithTheParentsInput() {
        ValidationOutcome v = p.validate("{'1': {'class_type': 'PrimitiveString', 'inputs': {'value': 'x'}},"
                + "'2': {'class_type': 'StringLength', 'inputs': {'string': ['1', 5]}},"
                + "'3': {'class_type': 'PreviewAny', 'inputs': {'source': ['2', 0]}}}");
        JsonNode e = errorsOf(v, "2").get(0);
        assertThat(e.get("type").asText()).isEqualTo("exception_during_inner_validation");
        assertThat(e.get("details").asText()).isEqualTo("tuple index out of range");
        assertThat(e.get("extra_info").get("input_name").asText()).isEqualTo("source");
        assertThat(e.get("extra_info").get("exception_type").asText()).isEqualTo("IndexError");
        assertThat(e.get("extra_info").get("linked_node")).isEqualTo(value("['2', 0]"));
        assertThat(v.error().get("details").asText()).isEmpty();
    }

    @Test
    void invalidInputTypeMessagesArePythons() {
        ValidationOutcome v = p.validate("{'1': {'class_type': 'PrimitiveInt', 'inputs': {'value': '1.0'}},"
                + "'2': {'class_type': 'PreviewAny', 'inputs': {'source': ['1', 0]}},"
                + "'3': {'class_type': 'PrimitiveInt', 'inputs': {'value': null}},"
                + "'4': {'class_type': 'PreviewAny', 'inputs': {'source': ['3', 0]}},"
                + "'5': {'class_type': 'PrimitiveFloat', 'inputs': {'value': 'abc'}},"
                + "'6': {'class_type': 'PreviewAny', 'inputs': {'source': ['5', 0]}}}");
        assertThat(errorsOf(v, "1").get(0).get("details").asText())
                .isEqualTo("value, 1.0, invalid literal for int() with base 10: '1.0'");
        assertThat(errorsOf(v, "1").get(0).get("message").asText()).isEqualTo("Failed to convert an input value to a INT value");
        assertThat(errorsOf(v, "3").get(0).get("details").asText()).isEqualTo(
                "value, None, int() argument must be a string, a bytes-like object or a real number, not 'NoneType'");
        assertThat(errorsOf(v, "5").get(0).get("extra_info").get("exception_message").asText())
                .isEqualTo("could not convert string to float: 'abc'");
    }

    @Test
    void minAndMaxUseExactBigIntegers() {
        ValidationOutcome v = p.validate("{'1': {'class_type': 'PrimitiveInt', 'inputs': {'value': 18446744073709551615}},"
                + "'2': {'class_type': 'PreviewAny', 'inputs': {'source': ['1', 0]}},"
                + "'3': {'class_type': 'PrimitiveInt', 'inputs': {'value': -9223372036854775808}},"
                + "'4': {'class_type': 'PreviewAny', 'inputs': {'source': ['3', 0]}},"
                + "'5': {'class_type': 'PrimitiveInt', 'inputs': {'value': 9223372036854775807}},"
                + "'6': {'class_type': 'PreviewAny', 'inputs': {'source': ['5', 0]}}}");
        assertThat(errorsOf(v, "1").get(0)).isEqualTo(json("{'type': 'value_bigger_than_max', 'message': "
                + "'Value 18446744073709551615 bigger than max of 9223372036854775807', 'details': 'value', 'extra_info': "
                + "{'input_name': 'value', 'input_config': ['INT', {'min': -9223372036854775807, 'max': 9223372036854775807, "
                + "'control_after_generate': true}], 'received_value': 18446744073709551615}}"));
        assertThat(errorsOf(v, "3").get(0).get("message").asText())
                .isEqualTo("Value -9223372036854775808 smaller than min of -9223372036854775807");
        assertThat(v.nodeErrors().has("5")).isFalse();
        assertThat(v.outputs()).containsExactly("6");
    }

    @Test
    void floatMinMessageUsesPythonFloats() {
        ValidationOutcome v = p.validate("{'1': {'class_type': 'RegexExtract', 'inputs': {'string': 'a', 'regex_pattern': 'a',"
                + "'mode': 'First Match', 'case_insensitive': true, 'multiline': false, 'dotall': false, 'group_index': 100.5}},"
                + "'2': {'class_type': 'PreviewAny', 'inputs': {'source': ['1', 0]}}}");
        assertThat(v.valid()).isTrue();
        assertThat(v.prompt().get("1").get("inputs").get("group_index")).isEqualTo(value("100"));
    }

    @Test
    void valueNotInListShortAndLong() {
        ValidationOutcome v = p.validate("{'1': {'class_type': 'TestV1Combo', 'inputs': {'short': 'z', 'long': 'nope'}},"
                + "'2': {'class_type': 'TestOutput', 'inputs': {'a': ['1', 0]}}}");
        assertThat(errorsOf(v, "1").get(0)).isEqualTo(json("{'type': 'value_not_in_list', 'message': 'Value not in list', "
                + "'details': 'D', 'extra_info': {'input_name': 'short', "
                + "'input_config': [['a', 1.0], {}], 'received_value': 'z'}}").put("details", "short: 'z' not in ['a', 1.0]"));
        assertThat(errorsOf(v, "1").get(1)).isEqualTo(json("{'type': 'value_not_in_list', 'message': 'Value not in list', "
                + "'details': 'D', 'extra_info': {'input_name': 'long', "
                + "'input_config': null, 'received_value': 'nope'}}").put("details", "long: 'nope' not in (list of length 25)"));
        // Python membership: 1 == 1.0, so the int 1 is in the list.
        assertThat(p.validate("{'1': {'class_type': 'TestV1Combo', 'inputs': {'short': 1}},"
                + "'2': {'class_type': 'TestOutput', 'inputs': {'a': ['1', 0]}}}").valid()).isTrue();
    }

    @Test
    void v3CombosAreNotCheckedAgainstTheirOptions() {
        ValidationOutcome v = p.validate("{'1': {'class_type': 'TestOutput', 'inputs': {'a': ['2', 0]}},"
                + "'2': {'class_type': 'TestV3Combo', 'inputs': {'mode': 'zzz'}}}");
        assertThat(v.valid()).isTrue();
    }

    @Test
    void customValidationFailedPerNamedInputAndPerKwarg() {
        ValidationOutcome v = p.validate("{'1': {'class_type': 'TestValidated', 'inputs': {'name': 'bad', 'n': 9}},"
                + "'2': {'class_type': 'TestOutput', 'inputs': {'a': ['1', 0]}}}");
        assertThat(errorsOf(v, "1")).hasSize(2);
        assertThat(errorsOf(v, "1").get(0).get("type").asText()).isEqualTo("value_bigger_than_max");
        assertThat(errorsOf(v, "1").get(1)).isEqualTo(json("{'type': 'custom_validation_failed', 'message': "
                + "'Custom validation failed for node', 'details': 'name - bad name: bad', 'extra_info': {'input_name': 'name'}}"));

        ValidationOutcome k = p.validate("{'0': {'class_type': 'PrimitiveInt', 'inputs': {'value': 1}},"
                + "'1': {'class_type': 'TestKwargsValidated', 'inputs': {'x': 9, 'y': ['0', 0]}},"
                + "'2': {'class_type': 'TestOutput', 'inputs': {'a': ['1', 0]}}}");
        assertThat(errorsOf(k, "1")).extracting(e -> e.get("details").asText()).containsExactly("x", "y");
    }

    @Test
    void coercionsAreWrittenBackIntoACopy() {
        String text = "{'1': {'class_type': 'PrimitiveInt', 'inputs': {'value': -7.9}},"
                + "'2': {'class_type': 'PrimitiveBoolean', 'inputs': {'value': 'false'}},"
                + "'3': {'class_type': 'PrimitiveFloat', 'inputs': {'value': ' 1e3 '}},"
                + "'4': {'class_type': 'PrimitiveString', 'inputs': {'value': {'__value__': {'a': [1, 2.0]}}}},"
                + "'5': {'class_type': 'PrimitiveInt', 'inputs': {'value': '1_000'}},"
                + "'9': {'class_type': 'TestOutput', 'inputs': {'a': ['1', 0], 'b': ['2', 0], 'c': ['3', 0]}},"
                + "'10': {'class_type': 'TestOutput', 'inputs': {'a': ['4', 0], 'b': ['5', 0]}}}";
        var original = json(text);
        ValidationOutcome v = p.engine.validate("p", original, null);
        assertThat(v.prompt().get("1").get("inputs").get("value")).isEqualTo(value("-7"));
        assertThat(v.prompt().get("2").get("inputs").get("value")).isEqualTo(value("true"));
        assertThat(v.prompt().get("3").get("inputs").get("value").doubleValue()).isEqualTo(1000.0);
        assertThat(v.prompt().get("4").get("inputs").get("value").asText()).isEqualTo("{'a': [1, 2.0]}");
        assertThat(v.prompt().get("5").get("inputs").get("value")).isEqualTo(value("1000"));
        assertThat(original.get("1").get("inputs").get("value").doubleValue()).isEqualTo(-7.9);
    }

    @Test
    void cyclesAreReportedNotHung() {
        ValidationOutcome v = p.validate("{'1': {'class_type': 'TestPass', 'inputs': {'a': ['2', 0]}},"
                + "'2': {'class_type': 'TestPass', 'inputs': {'a': ['1', 0]}},"
                + "'3': {'class_type': 'TestOutput', 'inputs': {'a': ['2', 0]}}}");
        assertThat(v.error().get("type").asText()).isEqualTo("prompt_outputs_failed_validation");
        JsonNode e = errorsOf(v, "2").get(0);
        assertThat(e.get("type").asText()).isEqualTo("exception_during_inner_validation");
        assertThat(e.get("details").asText()).isEqualTo("Dependency cycle detected");
        assertThat(e.get("extra_info").get("exception_type").asText()).isEqualTo("graph.DependencyCycleError");
    }

    @Test
    void dependentOutputsAccumulateAcrossFailingOutputsLikeComfyUI() {
        ValidationOutcome v = p.validate("{'1': {'class_type': 'PrimitiveInt', 'inputs': {'value': 'x'}},"
                + "'2': {'class_type': 'PreviewAny', 'inputs': {'source': ['1', 0]}},"
                + "'3': {'class_type': 'PreviewAny', 'inputs': {}},"
                + "'4': {'class_type': 'PreviewAny', 'inputs': {'source': 'fine'}}}");
        assertThat(v.valid()).isTrue();
        assertThat(v.outputs()).containsExactly("4");
        assertThat(v.nodeErrors().get("1").get("dependent_outputs")).isEqualTo(value("['2', '3']"));
        assertThat(v.nodeErrors().get("3").get("dependent_outputs")).isEqualTo(value("['3']"));
    }

    @Test
    void deepChainsValidateWithoutStackOverflow() {
        StringBuilder sb = new StringBuilder("{'0': {'class_type': 'PrimitiveString', 'inputs': {'value': 'x'}}");
        for (int i = 1; i <= 2000; i++) {
            sb.append(",'").append(i).append("': {'class_type': 'StringConcatenate', 'inputs': {'string_a': ['")
                    .append(i - 1).append("', 0], 'string_b': 'y', 'delimiter': ''}}");
        }
        sb.append(",'out': {'class_type': 'PreviewAny', 'inputs': {'source': ['2000', 0]}}}");
        assertThat(p.validate(sb.toString()).valid()).isTrue();
    }
}
