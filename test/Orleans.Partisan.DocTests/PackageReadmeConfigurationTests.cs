using System.Text;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Orleans.Partisan.DocTests;

/// <summary>The appsettings.json the package's README shows binds to the options it claims, with the call it shows.</summary>
public sealed partial class PackageReadmeConfigurationTests
{
    [Fact]
    public void ThePackageReadmesAppsettings_BindsToPartisanOptions()
    {
        var json = JsonBlockAfter("src/Orleans.Partisan/README.md", "## From appsettings.json");
        var configuration = new ConfigurationBuilder().AddJsonStream(new MemoryStream(Encoding.UTF8.GetBytes(json))).Build();
        var services = new ServiceCollection().AddSingleton<IConfiguration>(configuration);
        services.AddOptions<PartisanOptions>().BindConfiguration("Partisan"); // what o => o.BindConfiguration("Partisan") does

        var options = services.BuildServiceProvider().GetRequiredService<IOptions<PartisanOptions>>().Value;

        Assert.Equal(PartisanPeerService.HyParView, options.PeerService);
        Assert.Equal(11112, options.ListenPort);
        Assert.Equal(TimeSpan.FromSeconds(5), options.CallTimeout);
        Assert.True(options.FailureDetection.Enabled, "FailureDetection.Enabled was not bound");
        Assert.True(options.Channels.TryGetValue("bulk", out var bulk), "the channel 'bulk' was not bound");
        Assert.Equal(4, bulk.Parallelism);
    }

    private static string JsonBlockAfter(string file, string heading)
    {
        var text = Repository.Read(file);
        var at = text.IndexOf(heading, StringComparison.Ordinal);
        Assert.True(at >= 0, $"{file} has no heading '{heading}'");
        var block = JsonFence().Match(text, at);
        Assert.True(block.Success, $"{file} has no ```json block after '{heading}'");
        return block.Groups["json"].Value;
    }

    [GeneratedRegex("```json\\n(?<json>.*?)```", RegexOptions.Singleline)]
    private static partial Regex JsonFence();
}
