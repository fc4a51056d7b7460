using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace Stadtdialog.Retrieval.Vectors;

/// <summary>Vectors as stored in <see cref="ChunkEmbedding.Vector"/>: float32 values, little-endian, no header.</summary>
public static class VectorEncoding
{
    public static byte[] ToBytes(ReadOnlySpan<float> vector)
    {
        var bytes = new byte[vector.Length * sizeof(float)];
        if (BitConverter.IsLittleEndian)
        {
            MemoryMarshal.AsBytes(vector).CopyTo(bytes);
        }
        else
        {
            for (var i = 0; i < vector.Length; i++)
            {
                BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(i * sizeof(float)), vector[i]);
            }
        }

        return bytes;
    }

    /// <summary>Decodes <paramref name="bytes"/> into <paramref name="destination"/> (whose length is the dimension count).</summary>
    public static bool TryRead(ReadOnlySpan<byte> bytes, Span<float> destination)
    {
        if (bytes.Length != destination.Length * sizeof(float))
        {
            return false;
        }

        if (BitConverter.IsLittleEndian)
        {
            bytes.CopyTo(MemoryMarshal.AsBytes(destination));
        }
        else
        {
            for (var i = 0; i < destination.Length; i++)
            {
                destination[i] = BinaryPrimitives.ReadSingleLittleEndian(bytes[(i * sizeof(float))..]);
            }
        }

        return true;
    }

    public static float[] ToFloats(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length % sizeof(float) != 0)
        {
            throw new ArgumentException("A stored vector's length must be a multiple of four bytes.", nameof(bytes));
        }

        var vector = new float[bytes.Length / sizeof(float)];
        TryRead(bytes, vector);
        return vector;
    }
}
