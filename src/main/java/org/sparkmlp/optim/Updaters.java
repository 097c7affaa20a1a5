package org.sparkmlp.optim;

/**
 * The three updaters behind {@link Optimizer#resume}. Each loop reads weights and gradient, writes {@code out},
 * and keeps a running sum of {@code out[i] · 0}, which stays 0 unless some new weight is NaN or infinite: the
 * check costs no branch per weight.
 */
final class Updaters {
    private Updaters() {
    }

    private static void requireSizes(double[] weights, double[] gradient, double[] out, int slots) {
        if (gradient.length != weights.length || out.length != weights.length) {
            throw new IllegalArgumentException("update of " + weights.length + " weights with a gradient of "
                    + gradient.length + " and an output of " + out.length + " numbers");
        }
        if (out == weights || out == gradient) {
            throw new IllegalArgumentException("the update writes a third array, not its weights or gradient");
        }
        if (slots >= 0 && slots != weights.length) {
            throw new IllegalArgumentException("optimizer state for " + slots + " parameters, " + weights.length + " given");
        }
    }

    /** d = g + λW; W ← W − η·d (with λ = 0: W − η·g, nothing else). */
    static final class Sgd implements Updater {
        private final Optimizer optimizer;
        private long updates;

        Sgd(Optimizer optimizer, OptimizerState state) {
            this.optimizer = optimizer;
            this.updates = state.updates();
        }

        @Override
        public boolean update(double[] weights, double[] gradient, double learningRate, double[] out) {
            requireSizes(weights, gradient, out, -1);
            double lambda = optimizer.weightDecay();
            double check = 0.0;
            if (lambda == 0.0) {
                for (int i = 0; i < weights.length; i++) {
                    out[i] = weights[i] - learningRate * gradient[i];
                    check += out[i] * 0.0;
                }
            } else {
                for (int i = 0; i < weights.length; i++) {
                    double d = gradient[i] + lambda * weights[i];
                    out[i] = weights[i] - learningRate * d;
                    check += out[i] * 0.0;
                }
            }
            updates++;
            return check == 0.0;
        }

        @Override
        public OptimizerState state() {
            return new OptimizerState(Optimizer.Kind.SGD, updates, new double[0][]);
        }

        @Override
        public Updater copy() {
            return new Sgd(optimizer, state());
        }

        @Override
        public Optimizer optimizer() {
            return optimizer;
        }
    }

    /**
     * d = g + λW; v ← μ·v + d (v ← d at the first update); W ← W − η·v, or with Nesterov W ← W − η·(d + μ·v).
     */
    static final class Momentum implements Updater {
        private final Optimizer optimizer;
        private final boolean nesterov;
        private final double[] velocity;
        private long updates;

        Momentum(Optimizer optimizer, OptimizerState state) {
            this.optimizer = optimizer;
            this.nesterov = optimizer.kind() == Optimizer.Kind.NESTEROV;
            this.velocity = state.slotsView()[0].clone();
            this.updates = state.updates();
        }

        @Override
        public boolean update(double[] weights, double[] gradient, double learningRate, double[] out) {
            requireSizes(weights, gradient, out, velocity.length);
            double lambda = optimizer.weightDecay();
            double mu = optimizer.momentum();
            boolean first = updates == 0;
            double[] v = velocity;
            double check = 0.0;
            for (int i = 0; i < weights.length; i++) {
                double d = lambda == 0.0 ? gradient[i] : gradient[i] + lambda * weights[i];
                double b = first ? d : mu * v[i] + d;
                v[i] = b;
                double step = nesterov ? d + mu * b : b;
                out[i] = weights[i] - learningRate * step;
                check += out[i] * 0.0;
            }
            updates++;
            return check == 0.0;
        }

        @Override
        public OptimizerState state() {
            return new OptimizerState(optimizer.kind(), updates, new double[][] {velocity});
        }

        @Override
        public Updater copy() {
            return new Momentum(optimizer, state());
        }

        @Override
        public Optimizer optimizer() {
            return optimizer;
        }
    }

    /**
     * Adam with bias correction, weight decay decoupled (AdamW): W ← W·(1 − ηλ); m ← β1·m + (1−β1)·g;
     * s ← β2·s + (1−β2)·g·g; W ← W − (η/(1−β1^t)) · (m / (√s/√(1−β2^t) + ε)), t counting this update.
     */
    static final class Adam implements Updater {
        private final Optimizer optimizer;
        private final double[] m;
        private final double[] s;
        private long updates;

        Adam(Optimizer optimizer, OptimizerState state) {
            this.optimizer = optimizer;
            this.m = state.slotsView()[0].clone();
            this.s = state.slotsView()[1].clone();
            this.updates = state.updates();
        }

        @Override
        public boolean update(double[] weights, double[] gradient, double learningRate, double[] out) {
            requireSizes(weights, gradient, out, m.length);
            long t = updates + 1;
            double beta1 = optimizer.beta1();
            double beta2 = optimizer.beta2();
            double eps = optimizer.epsilon();
            double lambda = optimizer.weightDecay();
            double decay = 1 - learningRate * lambda;
            double stepSize = learningRate / (1 - Math.pow(beta1, t));
            double correction2 = Math.sqrt(1 - Math.pow(beta2, t));
            double keep1 = 1 - beta1;
            double keep2 = 1 - beta2;
            double check = 0.0;
            for (int i = 0; i < weights.length; i++) {
                double w = lambda == 0.0 ? weights[i] : weights[i] * decay;
                double g = gradient[i];
                double mi = m[i] * beta1 + keep1 * g;
                double si = s[i] * beta2 + keep2 * (g * g);
                m[i] = mi;
                s[i] = si;
                double denom = Math.sqrt(si) / correction2 + eps;
                out[i] = w - stepSize * (mi / denom);
                check += out[i] * 0.0;
            }
            updates = t;
            return check == 0.0;
        }

        @Override
        public OptimizerState state() {
            return new OptimizerState(Optimizer.Kind.ADAM, updates, new double[][] {m, s});
        }

        @Override
        public Updater copy() {
            return new Adam(optimizer, state());
        }

        @Override
        public Optimizer optimizer() {
            return optimizer;
        }
    }
}
