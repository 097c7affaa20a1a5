package org.sparkmlp.onnx;

import com.google.protobuf.CodedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * One protobuf message being written, field by field, with protobuf-java's {@link CodedOutputStream}: the field
 * numbers are the caller's (the ONNX ones live in {@link OnnxExport}), the wire encoding is the library's. A nested
 * message is written as its finished bytes under a length-delimited field, which is exactly how protobuf encodes a
 * sub-message; a repeated field is the same field written once per element (the non-packed form, which every
 * protobuf parser accepts for repeated numbers too). Not thread-safe; used once.
 */
final class ProtoMessage {
    private final ByteArrayOutputStream bytes;
    private final CodedOutputStream out;

    ProtoMessage() {
        this(256);
    }

    /** A message expected to take about {@code size} bytes (a weight tensor's), so the buffer grows once. */
    ProtoMessage(int size) {
        bytes = new ByteArrayOutputStream(size);
        out = CodedOutputStream.newInstance(bytes, 1 << 16);
    }

    ProtoMessage int64(int field, long value) {
        try {
            out.writeInt64(field, value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    ProtoMessage int32(int field, int value) {
        try {
            out.writeInt32(field, value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    ProtoMessage string(int field, String value) {
        try {
            out.writeString(field, value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    ProtoMessage bytes(int field, byte[] value) {
        try {
            out.writeByteArray(field, value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    ProtoMessage message(int field, ProtoMessage value) {
        return bytes(field, value.toByteArray());
    }

    /** The message's encoding so far. */
    byte[] toByteArray() {
        try {
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }
}
