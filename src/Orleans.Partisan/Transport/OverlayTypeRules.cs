using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.Serialization;
using Orleans.Serialization.Configuration;
using Orleans.Serialization.Serializers;
using Orleans.Serialization.Session;
using Orleans.Serialization.TypeSystem;

namespace Orleans.Partisan.Transport;

/// <summary>
/// Which types a frame may name: only types the application and the libraries registered with Orleans'
/// serializer. The overlay reads and writes frames with a type converter of its own, built from the
/// serializer's registrations, so that Orleans' permissive settings do not reach it.
/// </summary>
/// <remarks>
/// <para>A type named in a frame (the message's type, or the type of any value inside it that is not the
/// declared type of its field) resolves only if it is:</para>
/// <list type="bullet">
/// <item>a type with a serializer, copier, activator or converter in the serializer's type manifest:
/// every <c>[GenerateSerializer]</c> type of an assembly Orleans' code generator ran on (the application's
/// and this library's), Orleans' built-in codecs (primitives, strings, arrays, the collections it has codecs
/// for, <c>Guid</c>, <c>DateTime</c>, <c>IPEndPoint</c>…) and codecs registered with the serializer;</item>
/// <item>a type or assembly the application allowed in <c>TypeManifestOptions.AllowedTypes</c> or
/// <c>AllowedAssemblies</c>, or one an <c>ITypeFilter</c> or <c>ITypeNameFilter</c> the application
/// registered allows;</item>
/// <item>an enum, or an array or constructed generic type of the above.</item>
/// </list>
/// <para>Two of Orleans' own allowances do not apply: <c>TypeManifestOptions.AllowAllTypes</c>, which an
/// application may set for its grain calls, and Orleans' default name filter, which lets any type whose
/// name ends in <c>Exception</c> and any <c>System.Collections.*</c> type resolve whether or not a codec
/// was registered for it. So an exception, or a collection type with no codec, is not an overlay
/// message; carry what it says in a type of your own. A frame naming any other type (say
/// <c>System.Diagnostics.Process</c>, or a type of an assembly without generated serializers) does not
/// decode: the connection that sent it is closed, logged (3021) and counted
/// (<c>partisan.connections.closed</c>, reason <c>protocol_error</c>). A sender that tries to send
/// such a type gets <see cref="MessageSerializationException"/>.</para>
/// <para>Compound type aliases (Orleans' names for generated invokers) are not resolved: no overlay
/// message is an invoker.</para>
/// </remarks>
internal static class OverlayTypeRules
{
    /// <summary>The overlay's type converter over <paramref name="services"/>' serializer registrations.</summary>
    public static TypeConverter CreateConverter(IServiceProvider services)
    {
        var registered = services.GetRequiredService<IOptions<TypeManifestOptions>>().Value;
        var options = new TypeManifestOptions { AllowAllTypes = false };
        options.Activators.UnionWith(registered.Activators.Where(IsNotForInvokers));
        options.FieldCodecs.UnionWith(registered.FieldCodecs.Where(IsNotForInvokers));
        options.Serializers.UnionWith(registered.Serializers.Where(IsNotForInvokers));
        options.Copiers.UnionWith(registered.Copiers.Where(IsNotForInvokers));
        options.Converters.UnionWith(registered.Converters.Where(IsNotForInvokers));
        options.Interfaces.UnionWith(registered.Interfaces);
        options.InterfaceImplementations.UnionWith(registered.InterfaceImplementations);
        options.AllowedTypes.UnionWith(registered.AllowedTypes);
        options.AllowedAssemblies.UnionWith(registered.AllowedAssemblies);
        foreach (var (id, type) in registered.WellKnownTypeIds)
        {
            options.WellKnownTypeIds[id] = type;
        }

        foreach (var (alias, type) in registered.WellKnownTypeAliases)
        {
            options.WellKnownTypeAliases[alias] = type;
        }

        return new TypeConverter(
            services.GetServices<ITypeConverter>(),
            services.GetServices<ITypeNameFilter>().Where(filter => filter is not DefaultTypeFilter),
            services.GetServices<ITypeFilter>(),
            Options.Create(options),
            services.GetRequiredService<TypeResolver>());
    }

    /// <summary>
    /// Whether a codec (or activator, copier, converter) serves a type other than a generated invoker. Invokers are
    /// named by compound aliases, which this converter does not resolve (the alias tree cannot be copied), and are
    /// never overlay messages; grain proxies are left out for the same reason.
    /// </summary>
    private static bool IsNotForInvokers(Type codec)
        => !codec.GetInterfaces().Where(i => i.IsGenericType).SelectMany(i => i.GetGenericArguments()).Any(HasCompoundAlias);

    private static bool HasCompoundAlias(Type type)
        => type.IsDefined(typeof(CompoundTypeAliasAttribute), inherit: false)
            || (type.DeclaringType is { } declaring && HasCompoundAlias(declaring))
            || (type.IsConstructedGenericType && type.GetGenericArguments().Any(HasCompoundAlias));

    /// <summary>Serializer sessions that name types through <paramref name="converter"/>.</summary>
    public static SerializerSessionPool CreateSessions(IServiceProvider services, TypeConverter converter)
        => new(new TypeCodec(converter), services.GetRequiredService<WellKnownTypeCollection>(), services.GetRequiredService<CodecProvider>());
}
