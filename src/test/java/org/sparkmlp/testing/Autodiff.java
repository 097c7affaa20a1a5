package org.sparkmlp.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.function.DoubleBinaryOperator;
import java.util.function.DoubleUnaryOperator;

/**
 * Reverse-mode automatic differentiation over dense double matrices, for tests. A graph is recorded as it is
 * built from a few primitives (matrix product, transpose, broadcast addition, elementwise functions, row sums,
 * division by a column, picking one entry per row, sums); {@link #backward} then applies the chain rule to every
 * primitive in reverse order. No layer's gradient formula is written anywhere: this is the independent check of
 * the trainer's analytic gradients. It shares no code with the trainer and favours plainness over speed.
 */
public final class Autodiff {
    private final List<Var> tape = new ArrayList<>();

    /** An r × c matrix in row-major order, its gradient, and how it passes that gradient to its inputs. */
    public final class Var {
        public final int rows;
        public final int cols;
        public final double[] value;
        public final double[] grad;
        private Runnable backward = () -> { };

        private Var(int rows, int cols, double[] value) {
            if (value.length != rows * cols) {
                throw new IllegalArgumentException(rows + " × " + cols + " needs " + rows * cols + " values, got "
                        + value.length);
            }
            this.rows = rows;
            this.cols = cols;
            this.value = value;
            this.grad = new double[value.length];
            tape.add(this);
        }

        public double at(int i, int j) {
            return value[i * cols + j];
        }
    }

    /** A leaf: an input or a parameter (its values are copied). */
    public Var leaf(int rows, int cols, double[] values) {
        return new Var(rows, cols, values.clone());
    }

    /** A · B. */
    public Var matmul(Var a, Var b) {
        if (a.cols != b.rows) {
            throw new IllegalArgumentException("cannot multiply " + a.rows + " × " + a.cols + " by " + b.rows + " × "
                    + b.cols);
        }
        int n = a.rows;
        int k = a.cols;
        int m = b.cols;
        double[] out = new double[n * m];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < m; j++) {
                double s = 0;
                for (int t = 0; t < k; t++) {
                    s += a.value[i * k + t] * b.value[t * m + j];
                }
                out[i * m + j] = s;
            }
        }
        Var c = new Var(n, m, out);
        c.backward = () -> {
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < m; j++) {
                    double g = c.grad[i * m + j];
                    for (int t = 0; t < k; t++) {
                        a.grad[i * k + t] += g * b.value[t * m + j];
                        b.grad[t * m + j] += g * a.value[i * k + t];
                    }
                }
            }
        };
        return c;
    }

    /** Aᵀ. */
    public Var transpose(Var a) {
        double[] out = new double[a.value.length];
        for (int i = 0; i < a.rows; i++) {
            for (int j = 0; j < a.cols; j++) {
                out[j * a.rows + i] = a.value[i * a.cols + j];
            }
        }
        Var c = new Var(a.cols, a.rows, out);
        c.backward = () -> {
            for (int i = 0; i < a.rows; i++) {
                for (int j = 0; j < a.cols; j++) {
                    a.grad[i * a.cols + j] += c.grad[j * a.rows + i];
                }
            }
        };
        return c;
    }

    /** A + 1 bᵀ: the 1 × c row b added to every row of A. */
    public Var addToEveryRow(Var a, Var b) {
        if (b.rows != 1 || b.cols != a.cols) {
            throw new IllegalArgumentException("a row of " + a.cols + " expected, got " + b.rows + " × " + b.cols);
        }
        double[] out = new double[a.value.length];
        for (int i = 0; i < a.rows; i++) {
            for (int j = 0; j < a.cols; j++) {
                out[i * a.cols + j] = a.value[i * a.cols + j] + b.value[j];
            }
        }
        Var c = new Var(a.rows, a.cols, out);
        c.backward = () -> {
            for (int i = 0; i < a.rows; i++) {
                for (int j = 0; j < a.cols; j++) {
                    a.grad[i * a.cols + j] += c.grad[i * a.cols + j];
                    b.grad[j] += c.grad[i * a.cols + j];
                }
            }
        };
        return c;
    }

    /**
     * f applied to every entry; {@code derivative} gives f'(x) from the input x and the output y = f(x) (the
     * primitive's own derivative, as every autodiff library defines for its elementwise functions).
     */
    public Var map(Var a, DoubleUnaryOperator f, DoubleBinaryOperator derivative) {
        double[] out = new double[a.value.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = f.applyAsDouble(a.value[i]);
        }
        Var c = new Var(a.rows, a.cols, out);
        c.backward = () -> {
            for (int i = 0; i < out.length; i++) {
                a.grad[i] += c.grad[i] * derivative.applyAsDouble(a.value[i], out[i]);
            }
        };
        return c;
    }

    public Var tanh(Var a) {
        return map(a, Math::tanh, (x, y) -> 1 - y * y);
    }

    public Var sigmoid(Var a) {
        return map(a, x -> 1 / (1 + Math.exp(-x)), (x, y) -> y * (1 - y));
    }

    public Var relu(Var a) {
        return map(a, x -> Math.max(0, x), (x, y) -> x > 0 ? 1 : 0);
    }

    public Var exp(Var a) {
        return map(a, Math::exp, (x, y) -> y);
    }

    public Var log(Var a) {
        return map(a, Math::log, (x, y) -> 1 / x);
    }

    public Var square(Var a) {
        return map(a, x -> x * x, (x, y) -> 2 * x);
    }

    public Var scale(Var a, double k) {
        return map(a, x -> k * x, (x, y) -> k);
    }

    /** A − C for a constant C of the same shape (no gradient flows to C). */
    public Var minusConstant(Var a, double[] constant) {
        double[] out = new double[a.value.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = a.value[i] - constant[i];
        }
        Var c = new Var(a.rows, a.cols, out);
        c.backward = () -> {
            for (int i = 0; i < out.length; i++) {
                a.grad[i] += c.grad[i];
            }
        };
        return c;
    }

    /** The r × 1 column of row sums. */
    public Var rowSums(Var a) {
        double[] out = new double[a.rows];
        for (int i = 0; i < a.rows; i++) {
            for (int j = 0; j < a.cols; j++) {
                out[i] += a.value[i * a.cols + j];
            }
        }
        Var c = new Var(a.rows, 1, out);
        c.backward = () -> {
            for (int i = 0; i < a.rows; i++) {
                for (int j = 0; j < a.cols; j++) {
                    a.grad[i * a.cols + j] += c.grad[i];
                }
            }
        };
        return c;
    }

    /** Row i of A divided by s_i, for an r × 1 column s. */
    public Var divideRows(Var a, Var s) {
        if (s.rows != a.rows || s.cols != 1) {
            throw new IllegalArgumentException("a column of " + a.rows + " expected, got " + s.rows + " × " + s.cols);
        }
        double[] out = new double[a.value.length];
        for (int i = 0; i < a.rows; i++) {
            for (int j = 0; j < a.cols; j++) {
                out[i * a.cols + j] = a.value[i * a.cols + j] / s.value[i];
            }
        }
        Var c = new Var(a.rows, a.cols, out);
        c.backward = () -> {
            for (int i = 0; i < a.rows; i++) {
                double si = s.value[i];
                for (int j = 0; j < a.cols; j++) {
                    double g = c.grad[i * a.cols + j];
                    a.grad[i * a.cols + j] += g / si;
                    s.grad[i] -= g * a.value[i * a.cols + j] / (si * si);
                }
            }
        };
        return c;
    }

    /** The r × 1 column of A[i, pick[i]]. */
    public Var pick(Var a, int[] pick) {
        double[] out = new double[a.rows];
        for (int i = 0; i < a.rows; i++) {
            out[i] = a.value[i * a.cols + pick[i]];
        }
        Var c = new Var(a.rows, 1, out);
        c.backward = () -> {
            for (int i = 0; i < a.rows; i++) {
                a.grad[i * a.cols + pick[i]] += c.grad[i];
            }
        };
        return c;
    }

    /** The 1 × 1 sum of every entry. */
    public Var sum(Var a) {
        double s = 0;
        for (double v : a.value) {
            s += v;
        }
        Var c = new Var(1, 1, new double[] {s});
        c.backward = () -> {
            for (int i = 0; i < a.value.length; i++) {
                a.grad[i] += c.grad[0];
            }
        };
        return c;
    }

    /** Every gradient of d(output)/d(node), output being a 1 × 1 node of this graph. */
    public void backward(Var output) {
        if (output.value.length != 1) {
            throw new IllegalArgumentException("the output must be a scalar, got " + output.rows + " × " + output.cols);
        }
        output.grad[0] = 1;
        for (int i = tape.indexOf(output); i >= 0; i--) {
            tape.get(i).backward.run();
        }
    }
}
