/**
 * The mathematics of the network, with no Spark in sight.
 *
 * <p>{@link org.sparkmlp.nn.Architecture} fixes the layer sizes, the hidden {@link org.sparkmlp.nn.Activation}
 * and the layout of all weights and biases in one flat {@code double[]}. A {@link org.sparkmlp.nn.Kernel} runs
 * the forward and backward pass over the rows of a {@link org.sparkmlp.nn.BlockedRows} (a partition's bounded
 * column-major blocks) with BLAS {@code gemm} — {@link org.sparkmlp.nn.Kernel64} in double,
 * {@link org.sparkmlp.nn.Kernel32} in float ({@link org.sparkmlp.nn.Precision}) — and adds the result into a
 * {@link org.sparkmlp.nn.GradientSum}: sums and counts only, in double, merged associatively, divided once by
 * the driver. {@link org.sparkmlp.nn.Loss} puts the softmax output and the loss together, so the output delta
 * is the closed form {@code dL/dy~ = y^ - y} for cross-entropy. {@link org.sparkmlp.nn.Blas} gives a kernel its
 * BLAS by the architecture's mode: netlib's fastest (auto), or a portable one whose bits are the same on every
 * CPU. Everything here is testable on plain arrays.
 */
package org.sparkmlp.nn;
