package dev.dynnc.weights;

/**
 * The element types a {@link WeightTensor} can hold, i.e. the PyTorch dtypes that dynnc reads from checkpoints.
 *
 * <p>Complex, quantized and float8 dtypes are deliberately absent: no dynnc backend can use them, so a checkpoint
 * holding them is rejected with a message rather than read into a type nothing downstream understands.
 */
public enum DType {
    FLOAT32(4, "float32", "F32"),
    FLOAT64(8, "float64", "F64"),
    FLOAT16(2, "float16", "F16"),
    /** Brain float; numpy has no such type, so its numpy-style name follows the ml_dtypes package. */
    BFLOAT16(2, "bfloat16", "BF16"),
    INT64(8, "int64", "I64"),
    INT32(4, "int32", "I32"),
    INT16(2, "int16", "I16"),
    INT8(1, "int8", "I8"),
    UINT8(1, "uint8", "U8"),
    /** One byte per element, 0 or 1, as both torch and safetensors store it. */
    BOOL(1, "bool", "BOOL");

    private final int byteSize;
    private final String numpyName;
    private final String safetensorsName;

    DType(int byteSize, String numpyName, String safetensorsName) {
        this.byteSize = byteSize;
        this.numpyName = numpyName;
        this.safetensorsName = safetensorsName;
    }

    /** Returns the number of bytes one element occupies. */
    public int byteSize() {
        return byteSize;
    }

    /** Returns the numpy name of this type, e.g. {@code "float32"}, {@code "int64"} or {@code "bool"}. */
    public String numpyName() {
        return numpyName;
    }

    /** Looks up a safetensors dtype code; returns {@code null} for codes dynnc does not support. */
    static DType fromSafetensorsName(String code) {
        for (DType t : values()) {
            if (t.safetensorsName.equals(code)) {
                return t;
            }
        }
        return null;
    }
}
