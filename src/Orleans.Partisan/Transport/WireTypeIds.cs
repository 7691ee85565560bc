using Orleans.Partisan.Transport;
using Orleans.Serialization.Configuration;

[assembly: TypeManifestProvider(typeof(WireTypeIds))]

namespace Orleans.Partisan.Transport;

/// <summary>
/// Well-known type ids for the types in almost every frame: the forward envelope and the targets.
/// A frame carries its message's type (it is serialized as <see cref="object"/>); with an id, that is
/// a few bytes instead of the type's alias (<c>partisan.Forward</c>, <c>partisan.NamedTarget</c>, …),
/// and the receiver looks the type up by number rather than by name. Any other type still travels
/// by its alias, so every <c>[GenerateSerializer]</c> type works as before.
/// </summary>
/// <remarks>
/// Orleans' serializer finds this through the assembly attribute, wherever it is set up for this
/// assembly (a silo, a client, or <c>AddSerializer()</c>), so both ends of a connection agree. The
/// ids are part of the wire format: change them only together with <see cref="Hello.CurrentVersion"/>.
/// </remarks>
internal sealed class WireTypeIds : TypeManifestProviderBase
{
    /// <summary>The first id; well clear of the small ids Orleans gives its own types.</summary>
    public const uint First = 0x5A_0000;

    /// <inheritdoc />
    protected override void ConfigureInner(TypeManifestOptions options)
    {
        var ids = options.WellKnownTypeIds;
        ids[First] = typeof(ForwardEnvelope);
        ids[First + 1] = typeof(NamedTarget);
        ids[First + 2] = typeof(GrainTarget);
        ids[First + 3] = typeof(ProcessRef);
        // First + 4 was the relay envelope's, which has its own frame (kind 3) since protocol version 5.
        ids[First + 5] = typeof(CallAnswerTarget);
        ids[First + 6] = typeof(HeadedForwardEnvelope);
    }
}
