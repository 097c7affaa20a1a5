package org.sparkmlp.optim;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The update rule W ← f(W, g, state, t, η) and its settings, with g = Σ∇/n the step's mean gradient and η the
 * step's rate. Immutable and validated; built by the named factories ({@link #sgd()}, {@link #momentum},
 * {@link #nesterov}, {@link #adam}) and {@link #withWeightDecay}. {@link #start} gives the running form, an
 * {@link Updater}, which owns the state.
 *
 * <p>The formulas are PyTorch's ({@code torch.optim.SGD}, {@code torch.optim.Adam}, {@code torch.optim.AdamW}),
 * in this order of operations, so settings carry over. With λ the weight decay and μ the momentum:
 * <ul>
 *   <li>sgd: d = g + λW; W ← W − η·d. With λ = 0 exactly W − η·g, the trainer's plain SGD to the bit.</li>
 *   <li>momentum: d = g + λW; v ← μ·v + d (v = d at the first update); W ← W − η·v.</li>
 *   <li>nesterov: as momentum, then W ← W − η·(d + μ·v) ({@code SGD(nesterov=True)}).</li>
 *   <li>adam: W ← W·(1 − ηλ) (decoupled weight decay: AdamW; λ is not added to g); m ← β1·m + (1−β1)·g;
 *       s ← β2·s + (1−β2)·g²; with t the updates so far counting this one,
 *       W ← W − (η / (1−β1^t)) · m / (√s / √(1−β2^t) + ε).</li>
 * </ul>
 * Weight decay applies to every parameter, biases included, as when all of a model's parameters are given to
 * a PyTorch optimiser.
 *
 * @param kind the rule
 * @param momentum μ of momentum and nesterov (ignored otherwise), in [0, 1)
 * @param beta1 Adam's β1, in [0, 1)
 * @param beta2 Adam's β2, in [0, 1)
 * @param epsilon Adam's ε, &gt; 0
 * @param weightDecay λ ≥ 0: L2 added to the gradient for the SGD rules, decoupled for Adam
 */
public record Optimizer(Kind kind, double momentum, double beta1, double beta2, double epsilon, double weightDecay) {
    public static final double DEFAULT_MOMENTUM = 0.9;
    public static final double DEFAULT_BETA1 = 0.9;
    public static final double DEFAULT_BETA2 = 0.999;
    public static final double DEFAULT_EPSILON = 1e-8;

    /** The rules; {@link #slots()} is how many arrays of per-parameter state each keeps. */
    public enum Kind {
        SGD(0), MOMENTUM(1), NESTEROV(1), ADAM(2);

        private final int slots;

        Kind(int slots) {
            this.slots = slots;
        }

        public int slots() {
            return slots;
        }

        public String id() {
            return name().toLowerCase(Locale.ROOT);
        }

        public static Kind fromId(String id) {
            for (Kind k : values()) {
                if (k.id().equals(id)) {
                    return k;
                }
            }
            throw new IllegalArgumentException("unknown optimizer '" + id + "' (expected sgd, momentum, nesterov or adam)");
        }
    }

    public Optimizer {
        if (kind == null) {
            throw new IllegalArgumentException("optimizer must not be null");
        }
        requireIn("momentum", momentum, 0.0, 1.0);
        requireIn("beta1", beta1, 0.0, 1.0);
        requireIn("beta2", beta2, 0.0, 1.0);
        if (!(epsilon > 0.0) || !Double.isFinite(epsilon)) {
            throw new IllegalArgumentException("epsilon must be a positive number, got " + epsilon);
        }
        if (!(weightDecay >= 0.0) || !Double.isFinite(weightDecay)) {
            throw new IllegalArgumentException("weight decay must be ≥ 0, got " + weightDecay);
        }
    }

    private static void requireIn(String name, double v, double low, double high) {
        if (!(v >= low && v < high)) {
            throw new IllegalArgumentException(name + " must be in [" + low + ", " + high + "), got " + v);
        }
    }

    /** Plain SGD: the trainer's default. */
    public static Optimizer sgd() {
        return of(Kind.SGD, DEFAULT_MOMENTUM, DEFAULT_BETA1, DEFAULT_BETA2, DEFAULT_EPSILON, 0.0);
    }

    /** Heavy-ball momentum μ ({@code torch.optim.SGD(momentum=μ)}). */
    public static Optimizer momentum(double mu) {
        return of(Kind.MOMENTUM, mu, DEFAULT_BETA1, DEFAULT_BETA2, DEFAULT_EPSILON, 0.0);
    }

    /** Nesterov momentum μ ({@code torch.optim.SGD(momentum=μ, nesterov=True)}). */
    public static Optimizer nesterov(double mu) {
        return of(Kind.NESTEROV, mu, DEFAULT_BETA1, DEFAULT_BETA2, DEFAULT_EPSILON, 0.0);
    }

    /** Adam with bias correction ({@code torch.optim.Adam}; AdamW once given a weight decay). */
    public static Optimizer adam(double beta1, double beta2, double epsilon) {
        return of(Kind.ADAM, DEFAULT_MOMENTUM, beta1, beta2, epsilon, 0.0);
    }

    /** Adam with PyTorch's defaults β1 0.9, β2 0.999, ε 1e-8. */
    public static Optimizer adam() {
        return adam(DEFAULT_BETA1, DEFAULT_BETA2, DEFAULT_EPSILON);
    }

    /** Any rule with every setting given; settings a rule does not use are kept but ignored. */
    public static Optimizer of(Kind kind, double momentum, double beta1, double beta2, double epsilon,
                               double weightDecay) {
        return new Optimizer(kind, momentum, beta1, beta2, epsilon, weightDecay);
    }

    /** This rule with weight decay λ: L2 for the SGD rules, decoupled (AdamW) for Adam. */
    public Optimizer withWeightDecay(double lambda) {
        return new Optimizer(kind, momentum, beta1, beta2, epsilon, lambda);
    }

    /** The running form, before its first update, for {@code parameterCount} parameters. */
    public Updater start(int parameterCount) {
        return resume(OptimizerState.initial(kind, parameterCount));
    }

    /** The running form continuing from {@code state} (which must be this rule's). */
    public Updater resume(OptimizerState state) {
        if (state.kind() != kind) {
            throw new IllegalArgumentException("cannot resume " + kind.id() + " from the state of " + state.kind().id());
        }
        return switch (kind) {
            case SGD -> new Updaters.Sgd(this, state);
            case MOMENTUM, NESTEROV -> new Updaters.Momentum(this, state);
            case ADAM -> new Updaters.Adam(this, state);
        };
    }

    /** The settings this rule uses, as plain values (for provenance and summaries). */
    public Map<String, Object> describe() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("optimizer", kind.id());
        switch (kind) {
            case MOMENTUM, NESTEROV -> m.put("momentum", momentum);
            case ADAM -> {
                m.put("beta1", beta1);
                m.put("beta2", beta2);
                m.put("epsilon", epsilon);
            }
            default -> { }
        }
        m.put("weight_decay", weightDecay);
        return m;
    }
}
