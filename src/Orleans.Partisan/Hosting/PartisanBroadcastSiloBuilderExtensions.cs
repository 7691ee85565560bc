using Microsoft.Extensions.DependencyInjection;
using Orleans.Partisan.Runtime;

namespace Orleans.Partisan;

/// <summary>Registers Plumtree broadcast handlers on a silo.</summary>
public static class PartisanBroadcastSiloBuilderExtensions
{
    /// <summary>
    /// Registers <typeparamref name="THandler"/> as a broadcast handler of this silo's overlay, so
    /// <see cref="IPartisan.BroadcastAsync{THandler}"/> reaches its activation on every silo. Register the
    /// same handlers, with the same names and channels, on every silo; call <c>AddPartisan</c> too.
    /// </summary>
    /// <typeparam name="THandler">The handler's grain interface; implement it with a grain class marked <see cref="SiloPinnedPlacementAttribute"/>.</typeparam>
    public static ISiloBuilder AddPartisanBroadcastHandler<THandler>(this ISiloBuilder builder, Action<BroadcastHandlerOptions>? configure = null)
        where THandler : IPartisanBroadcastHandler
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddSingleton(Registration<THandler>(configure));
        return builder;
    }

    /// <summary>The registration of <typeparamref name="THandler"/> as <paramref name="configure"/> names it (a silo's or a client's).</summary>
    internal static BroadcastHandlerRegistration Registration<THandler>(Action<BroadcastHandlerOptions>? configure)
        where THandler : IPartisanBroadcastHandler
    {
        var options = new BroadcastHandlerOptions();
        configure?.Invoke(options);
        var name = options.Name ?? BroadcastHandlerOptions.DefaultName(typeof(THandler));
        if (string.IsNullOrWhiteSpace(name))
        {
            throw new ArgumentException($"BroadcastHandlerOptions.Name of {typeof(THandler).FullName} must not be blank.", nameof(configure));
        }

        return new BroadcastHandlerRegistration(name, typeof(THandler), options.Channel ?? PartisanChannels.Default);
    }
}
