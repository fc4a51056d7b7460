using System.IO.Compression;

namespace Stadtdialog.Knowledge.Readers;

/// <summary>
/// Checks an Office file (a ZIP package) before the OpenXml SDK unpacks it: refuses files that are no ZIP package
/// and zip bombs (too many parts, too much unpacked data, extreme compression ratios, parts that unpack to more than
/// they declare). Every part is actually decompressed once with a counting limit; the headers alone are not trusted.
/// </summary>
public static class OfficePackageGuard
{
    /// <summary>More parts than any real Word or Excel file has.</summary>
    public const int MaxEntries = 10_000;

    /// <summary>Parts smaller than this (unpacked) are exempt from the ratio rule: XML of a few KB compresses well.</summary>
    public const long RatioExemptBytes = ReaderLimits.MiB;

    private const int BufferSize = 81_920;

    public static void EnsureSafe(byte[] bytes, ReaderLimits limits)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        ArgumentNullException.ThrowIfNull(limits);

        if (bytes.Length >= 4 && bytes[0] == 0xD0 && bytes[1] == 0xCF && bytes[2] == 0x11 && bytes[3] == 0xE0)
        {
            throw new DocumentReadException(
                "The file is not a valid Office document (an old binary format such as .doc/.xls, or a password-protected file).");
        }

        try
        {
            using var archive = new ZipArchive(new MemoryStream(bytes, writable: false), ZipArchiveMode.Read);
            var entries = archive.Entries;
            if (entries.Count > MaxEntries)
            {
                throw Refused($"it has {entries.Count:N0} parts; at most {MaxEntries:N0} are allowed");
            }

            long declaredTotal = 0;
            foreach (var entry in entries)
            {
                CheckDeclared(entry, limits);
                declaredTotal += entry.Length;
                if (declaredTotal > limits.MaxUnpackedBytes)
                {
                    throw Refused($"it unpacks to more than {Megabytes(limits.MaxUnpackedBytes)}");
                }
            }

            var buffer = new byte[BufferSize];
            foreach (var entry in entries)
            {
                CheckActual(entry, buffer);
            }
        }
        catch (InvalidDataException e)
        {
            throw new DocumentReadException($"The file is not a valid Office document ({e.Message})", e);
        }
        catch (NotSupportedException e)
        {
            throw new DocumentReadException($"The file is not a valid Office document ({e.Message})", e);
        }
        catch (IOException e)
        {
            throw new DocumentReadException($"The file is not a valid Office document ({e.Message})", e);
        }
    }

    private static void CheckDeclared(ZipArchiveEntry entry, ReaderLimits limits)
    {
        if (entry.Length < 0 || entry.CompressedLength < 0)
        {
            throw Refused($"the part '{entry.FullName}' declares a negative size");
        }

        if (entry.Length > limits.MaxUnpackedBytes)
        {
            throw Refused($"the part '{entry.FullName}' unpacks to more than {Megabytes(limits.MaxUnpackedBytes)}");
        }

        if (entry.Length >= RatioExemptBytes
            && (entry.CompressedLength == 0 || entry.Length / (double)entry.CompressedLength > limits.MaxCompressionRatio))
        {
            var ratio = entry.CompressedLength == 0 ? "an infinite" : $"a {entry.Length / entry.CompressedLength:N0}:1";
            throw Refused($"the part '{entry.FullName}' has {ratio} compression ratio; at most {limits.MaxCompressionRatio}:1 is allowed");
        }
    }

    /// <summary>
    /// Decompresses the part and counts: it must unpack to exactly the size and checksum its headers declare. (The
    /// runtime stops reading at the declared size; a part that holds more fails the checksum.)
    /// </summary>
    private static void CheckActual(ZipArchiveEntry entry, byte[] buffer)
    {
        using var stream = entry.Open();
        long total = 0;
        var crc = 0xFFFFFFFFu;
        int read;
        while ((read = stream.Read(buffer, 0, (int)Math.Min(buffer.Length, entry.Length - total + 1))) > 0)
        {
            total += read;
            if (total > entry.Length)
            {
                throw Refused($"the part '{entry.FullName}' unpacks to more than the {entry.Length:N0} bytes it declares");
            }

            crc = UpdateCrc32(crc, buffer.AsSpan(0, read));
        }

        if (total != entry.Length || ~crc != entry.Crc32)
        {
            throw new DocumentReadException(
                $"The Office document was refused: the part '{entry.FullName}' does not unpack to the {entry.Length:N0} bytes and checksum it declares (damaged or manipulated).");
        }
    }

    private static readonly uint[] CrcTable = BuildCrcTable();

    private static uint[] BuildCrcTable()
    {
        var table = new uint[256];
        for (var n = 0u; n < 256; n++)
        {
            var c = n;
            for (var k = 0; k < 8; k++)
            {
                c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
            }

            table[n] = c;
        }

        return table;
    }

    /// <summary>CRC-32 as used by ZIP (IEEE 802.3, reflected), without the final inversion.</summary>
    private static uint UpdateCrc32(uint crc, ReadOnlySpan<byte> data)
    {
        foreach (var b in data)
        {
            crc = CrcTable[(crc ^ b) & 0xFF] ^ (crc >> 8);
        }

        return crc;
    }

    private static DocumentReadException Refused(string reason) =>
        new($"The Office document was refused as a possible zip bomb: {reason}.");

    private static string Megabytes(long bytes) => $"{bytes / (double)ReaderLimits.MiB:0.#} MB";
}
