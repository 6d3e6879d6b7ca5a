package io.tessera.definitions;

import java.util.HashMap;
import java.util.Map;

/** The comparison operators of the predicate language, by their wire names. */
public enum Op {
    EQ("eq"),
    NEQ("neq"),
    GT("gt"),
    GTE("gte"),
    LT("lt"),
    LTE("lte"),
    BETWEEN("between"),
    IN("in"),
    NOT_IN("not_in"),
    CONTAINS("contains"),
    NOT_CONTAINS("not_contains"),
    STARTS_WITH("starts_with"),
    ENDS_WITH("ends_with"),
    MATCHES_REGEX("matches_regex"),
    EXISTS("exists"),
    NOT_EXISTS("not_exists"),
    IS_TRUE("is_true"),
    IS_FALSE("is_false"),
    WITHIN_LAST("within_last"),
    BEFORE_LAST("before_last"),
    AFTER_DATE("after_date"),
    BEFORE_DATE("before_date");

    private static final Map<String, Op> BY_WIRE_NAME = new HashMap<>();

    static {
        for (Op op : values()) {
            BY_WIRE_NAME.put(op.wireName, op);
        }
    }

    private final String wireName;

    Op(String wireName) {
        this.wireName = wireName;
    }

    /** Every wire name, in the order of the spec. */
    public static java.util.List<String> wireNames() {
        return java.util.Arrays.stream(values()).map(Op::wireName).toList();
    }

    /** The operator with the given wire name, or null. */
    public static Op fromWireName(String wireName) {
        return BY_WIRE_NAME.get(wireName);
    }

    /** The name used in definitions. */
    public String wireName() {
        return wireName;
    }

    /** True for operators that take no value. */
    public boolean isUnary() {
        return this == EXISTS || this == NOT_EXISTS || this == IS_TRUE || this == IS_FALSE;
    }

    /** True for operators whose truth changes as time passes (a timer must be armed). */
    public boolean isRelativeTime() {
        return this == WITHIN_LAST || this == BEFORE_LAST;
    }
}
