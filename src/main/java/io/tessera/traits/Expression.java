package io.tessera.traits;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.DoubleBinaryOperator;

/**
 * A {@code derived} trait's arithmetic: {@code + - * /}, parentheses, numbers and {@code
 * traits.<id>}. Evaluates to null when an input is missing or not a number, or on division by zero.
 */
public abstract class Expression implements Serializable {
    private static final long serialVersionUID = 1L;

    /** The value over the given trait values, or null. */
    public abstract Double evaluate(Map<String, Double> traits);

    /** The traits the expression reads. */
    public abstract List<String> traits();

    /** Parses an expression the validator accepted. */
    public static Expression parse(String text) {
        Parser parser = new Parser(text);
        Expression expression = parser.sum();
        parser.skipSpaces();
        if (parser.position != text.length()) {
            throw new IllegalArgumentException(
                    "unexpected text at " + parser.position + ": " + text);
        }
        return expression;
    }

    private static final class Number extends Expression {
        private final double value;

        Number(double value) {
            this.value = value;
        }

        @Override
        public Double evaluate(Map<String, Double> traits) {
            return value;
        }

        @Override
        public List<String> traits() {
            return List.of();
        }
    }

    private static final class Trait extends Expression {
        private final String id;

        Trait(String id) {
            this.id = id;
        }

        @Override
        public Double evaluate(Map<String, Double> traits) {
            return traits.get(id);
        }

        @Override
        public List<String> traits() {
            return List.of(id);
        }
    }

    private static final class Binary extends Expression {
        private final Expression left;
        private final Expression right;
        private final char op;

        Binary(Expression left, char op, Expression right) {
            this.left = left;
            this.op = op;
            this.right = right;
        }

        @Override
        public Double evaluate(Map<String, Double> traits) {
            Double a = left.evaluate(traits);
            Double b = right.evaluate(traits);
            if (a == null || b == null || op == '/' && b == 0) {
                return null;
            }
            DoubleBinaryOperator f =
                    switch (op) {
                        case '+' -> Double::sum;
                        case '-' -> (x, y) -> x - y;
                        case '*' -> (x, y) -> x * y;
                        default -> (x, y) -> x / y;
                    };
            return f.applyAsDouble(a, b);
        }

        @Override
        public List<String> traits() {
            List<String> all = new ArrayList<>(left.traits());
            all.addAll(right.traits());
            return all;
        }
    }

    private static final class Parser {
        private final String text;
        private int position;

        Parser(String text) {
            this.text = text;
        }

        Expression sum() {
            Expression left = product();
            while (peek() == '+' || peek() == '-') {
                char op = text.charAt(position++);
                left = new Binary(left, op, product());
            }
            return left;
        }

        Expression product() {
            Expression left = factor();
            while (peek() == '*' || peek() == '/') {
                char op = text.charAt(position++);
                left = new Binary(left, op, factor());
            }
            return left;
        }

        Expression factor() {
            char c = peek();
            if (c == '(') {
                position++;
                Expression inner = sum();
                expect(')');
                return inner;
            }
            if (c == '-') {
                position++;
                return new Binary(new Number(0), '-', factor());
            }
            if (text.startsWith("traits.", position)) {
                int start = position + "traits.".length();
                int end = start;
                while (end < text.length()
                        && (Character.isLetterOrDigit(text.charAt(end))
                                || text.charAt(end) == '_')) {
                    end++;
                }
                position = end;
                return new Trait(text.substring(start, end));
            }
            int start = position;
            while (position < text.length()
                    && (Character.isDigit(text.charAt(position)) || text.charAt(position) == '.')) {
                position++;
            }
            if (start == position) {
                throw new IllegalArgumentException("expected a number, a trait or '(' at " + start);
            }
            return new Number(Double.parseDouble(text.substring(start, position)));
        }

        void expect(char c) {
            if (peek() != c) {
                throw new IllegalArgumentException("expected '" + c + "' at " + position);
            }
            position++;
        }

        char peek() {
            skipSpaces();
            return position < text.length() ? text.charAt(position) : '\0';
        }

        void skipSpaces() {
            while (position < text.length() && Character.isWhitespace(text.charAt(position))) {
                position++;
            }
        }
    }
}
