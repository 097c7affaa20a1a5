/**
 * The mathematics of the network, with no Spark in sight.
 *
 * <p>{@link org.sparkmlp.nn.Architecture} fixes the layer sizes, the hidden {@link org.sparkmlp.nn.Activation}
 * and the layout of all weights and biases in one flat {@code double[]}. {@link org.sparkmlp.nn.Kernel} runs the
 * forward and backward pass on a dense column-major block of rows with BLAS {@code dgemm} and adds the
 * result into a {@link org.sparkmlp.nn.GradientSum}: sums and counts only, merged associatively, divided
 * once by the driver. {@link org.sparkmlp.nn.Loss} puts the softmax output and the loss together, so the
 * output delta is the closed form {@code dL/dy~ = y^ - y} for cross-entropy. Everything here is testable
 * on plain arrays.
 */
package org.sparkmlp.nn;
