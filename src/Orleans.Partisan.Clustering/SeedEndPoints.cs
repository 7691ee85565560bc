using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Orleans.Partisan.Clustering;

/// <summary>Parses and resolves the <c>host:port</c> strings of <see cref="PartisanClusteringOptions"/>.</summary>
internal static class SeedEndPoints
{
    /// <summary>Splits <paramref name="text"/> into host and port; <paramref name="error"/> says what is wrong when it returns false.</summary>
    public static bool TryParse(string? text, out string host, out int port, out string error)
    {
        host = string.Empty;
        port = 0;
        error = string.Empty;
        if (string.IsNullOrWhiteSpace(text))
        {
            error = "is blank";
            return false;
        }

        var colon = text.LastIndexOf(':');
        if (colon <= 0 || colon == text.Length - 1)
        {
            error = $"'{text}' is not host:port";
            return false;
        }

        host = text[..colon].Trim();
        if (host.StartsWith('[') && host.EndsWith(']'))
        {
            host = host[1..^1];
        }

        if (!int.TryParse(text[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out port) || port is < 1 or > 65535)
        {
            error = $"'{text}' has no port between 1 and 65535";
            return false;
        }

        if (host.Length == 0)
        {
            error = $"'{text}' has no host";
            return false;
        }

        return true;
    }

    /// <summary>Parses and resolves <paramref name="text"/> to one IP endpoint (IPv4 preferred); throws naming the option.</summary>
    public static IPEndPoint Resolve(string text, string optionName)
    {
        if (!TryParse(text, out var host, out var port, out var error))
        {
            throw new ArgumentException($"{optionName}: {error}.", optionName);
        }

        if (IPAddress.TryParse(host, out var address))
        {
            return new IPEndPoint(address, port);
        }

        var addresses = Dns.GetHostAddresses(host);
        var chosen = addresses.FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork) ?? addresses.FirstOrDefault()
            ?? throw new ArgumentException($"{optionName}: host '{host}' resolves to no address.", optionName);
        return new IPEndPoint(chosen, port);
    }
}
