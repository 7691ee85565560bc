using System.Net;
using Orleans.Partisan.Hosting;

namespace Orleans.Partisan.Tests.Hosting;

public sealed class PartisanClientOptionsValidatorTests
{
    [Fact]
    public void Client_defaults_are_the_documented_ones_and_a_client_needs_a_listen_address()
    {
        var o = new PartisanOptions();
        Assert.Equal(1, o.Client.Gateways);
        Assert.Equal(TimeSpan.FromSeconds(5), o.Client.RenewInterval);
        Assert.Equal(PartisanClientOptions.DefaultRenewInterval, o.Client.RenewInterval);
        Assert.Equal(TimeSpan.FromSeconds(30), o.Client.AttachTimeout);
        Assert.Empty(PartisanOptionsValidator.Validate(o)); // a silo ignores the client's options and needs no address

        Assert.Contains(PartisanClientOptionsValidator.Validate(o), e => e.StartsWith("ListenAddress must be set on a client", StringComparison.Ordinal));
        o.ListenAddress = IPAddress.Loopback;
        Assert.Empty(PartisanClientOptionsValidator.Validate(o));
    }

    [Theory]
    [InlineData("Client.Gateways", 0)]
    [InlineData("Client.Gateways", 17)]
    [InlineData("Client.RenewInterval", 0)]
    [InlineData("Client.AttachTimeout", 0)]
    [InlineData("FailureDetection.Enabled", 1)]
    public void Each_invalid_client_option_is_named_with_the_reason(string option, int value)
    {
        var o = new PartisanOptions { ListenAddress = IPAddress.Loopback };
        switch (option)
        {
            case "Client.Gateways":
                o.Client.Gateways = value;
                break;
            case "Client.RenewInterval":
                o.Client.RenewInterval = TimeSpan.FromSeconds(value);
                break;
            case "Client.AttachTimeout":
                o.Client.AttachTimeout = TimeSpan.FromSeconds(value);
                break;
            default:
                o.FailureDetection.Enabled = true;
                break;
        }

        var error = Assert.Single(PartisanClientOptionsValidator.Validate(o));
        Assert.StartsWith(option, error, StringComparison.Ordinal);
    }
}
