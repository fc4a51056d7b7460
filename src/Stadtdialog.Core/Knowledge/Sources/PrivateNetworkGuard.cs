using System.Net;
using System.Net.Sockets;

namespace Stadtdialog.Knowledge.Sources;

/// <summary>A connection was refused because the server's address is not on the public internet.</summary>
public sealed class PrivateNetworkRefusedException(string message) : IOException(message);

/// <summary>
/// Opens the TCP connections of the knowledge HTTP client. The host name is resolved here and every address is
/// checked before connecting, so a name that resolves to an internal address (DNS rebinding included) cannot be
/// used to reach internal services.
/// </summary>
public static class PrivateNetworkGuard
{
    /// <summary>The default setting named in refusals (the knowledge sources').</summary>
    public const string KnowledgeSetting = KnowledgeHttpOptions.Section + ":" + nameof(KnowledgeHttpOptions.AllowPrivateNetworks);

    /// <param name="allowPrivateNetworks">Connect to loopback, private and link-local addresses too.</param>
    /// <param name="setting">The setting a refusal names as the way to allow internal servers.</param>
    /// <param name="purpose">What is refused, in the refusal ("import from", "read live data from").</param>
    public static Func<SocketsHttpConnectionContext, CancellationToken, ValueTask<Stream>> ConnectCallback(
        bool allowPrivateNetworks, string setting = KnowledgeSetting, string purpose = "import from") =>
        async (context, cancellationToken) =>
        {
            var host = context.DnsEndPoint.Host.Trim('[', ']');
            var addresses = IPAddress.TryParse(host, out var literal)
                ? [literal]
                : await Dns.GetHostAddressesAsync(host, cancellationToken);
            if (addresses.Length == 0)
            {
                throw new SocketException((int)SocketError.HostNotFound);
            }

            if (!allowPrivateNetworks)
            {
                var refused = addresses.FirstOrDefault(a => !IsPublic(a));
                if (refused is not null)
                {
                    throw new PrivateNetworkRefusedException(RefusedMessage(host, refused, setting, purpose));
                }
            }

            var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(addresses, context.DnsEndPoint.Port, cancellationToken);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        };

    public static string RefusedMessage(string host, IPAddress address, string setting = KnowledgeSetting, string purpose = "import from")
    {
        var shown = address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
        var name = string.Equals(host, shown.ToString(), StringComparison.OrdinalIgnoreCase) ? shown.ToString() : $"{host} ({shown})";
        return $"Refused to connect to {name}: the address is in a loopback, private, link-local or otherwise non-public network. "
            + $"To {purpose} internal servers, set {setting} to true.";
    }

    /// <summary>Whether <paramref name="address"/> is a public unicast address (IPv4-mapped and embedded IPv4 included).</summary>
    public static bool IsPublic(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            return IsPublic(address.MapToIPv4());
        }

        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            Span<byte> b = stackalloc byte[4];
            address.TryWriteBytes(b, out _);
            return !(b[0] == 0                                      // "this" network
                || b[0] == 10                                       // private
                || b[0] == 127                                      // loopback
                || (b[0] == 100 && b[1] >= 64 && b[1] <= 127)       // carrier-grade NAT
                || (b[0] == 169 && b[1] == 254)                     // link-local (cloud metadata)
                || (b[0] == 172 && b[1] >= 16 && b[1] <= 31)        // private
                || (b[0] == 192 && b[1] == 0 && b[2] == 0)          // IETF protocol assignments
                || (b[0] == 192 && b[1] == 168)                     // private
                || (b[0] == 198 && (b[1] == 18 || b[1] == 19))      // benchmarking
                || b[0] >= 224);                                    // multicast, reserved, broadcast
        }

        if (address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return false;
        }

        if (address.Equals(IPAddress.IPv6Loopback) || address.Equals(IPAddress.IPv6None) || address.IsIPv6LinkLocal
            || address.IsIPv6SiteLocal || address.IsIPv6UniqueLocal || address.IsIPv6Multicast)
        {
            return false;
        }

        Span<byte> v6 = stackalloc byte[16];
        address.TryWriteBytes(v6, out _);

        // IPv4-compatible (::a.b.c.d), NAT64 (64:ff9b::/96) and 6to4 (2002::/16) carry an IPv4 address.
        if (v6[..12].IndexOfAnyExcept((byte)0) < 0)
        {
            return IsPublic(new IPAddress(v6[12..]));
        }

        if (v6[0] == 0x00 && v6[1] == 0x64 && v6[2] == 0xff && v6[3] == 0x9b && v6[4..12].IndexOfAnyExcept((byte)0) < 0)
        {
            return IsPublic(new IPAddress(v6[12..]));
        }

        if (v6[0] == 0x20 && v6[1] == 0x02)
        {
            return IsPublic(new IPAddress(v6[2..6]));
        }

        return true;
    }
}
