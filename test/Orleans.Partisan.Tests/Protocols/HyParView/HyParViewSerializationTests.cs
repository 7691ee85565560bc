using Microsoft.Extensions.DependencyInjection;
using Orleans.Partisan.Protocols.HyParView;
using Orleans.Serialization;
using static Orleans.Partisan.Tests.Protocols.HyParView.HyParViewTestKit;

namespace Orleans.Partisan.Tests.Protocols.HyParView;

public sealed class HyParViewSerializationTests
{
    private static readonly Serializer Serializer =
        new ServiceCollection().AddSerializer().BuildServiceProvider().GetRequiredService<Serializer>();

    public static TheoryData<string> Kinds => [.. Messages().Keys];

    private static Dictionary<string, object> Messages() => new()
    {
        ["Join"] = new HyParViewJoin(Spec(1), 3),
        ["ForwardJoin"] = new HyParViewForwardJoin(Spec(1), 3, Spec(2), 5),
        ["ForwardJoinAccept"] = new HyParViewForwardJoinAccept(Spec(1), 3),
        ["Neighbor"] = new HyParViewNeighbor(Spec(1), 3, NeighborPriority.High),
        ["NeighborReply"] = new HyParViewNeighborReply(Spec(1), 3, Accepted: false, [Spec(2), Spec(3)]),
        ["Disconnect"] = new HyParViewDisconnect(Spec(1), 3, Leaving: true),
        ["Shuffle"] = new HyParViewShuffle(Spec(1), 3, 9, [Spec(1), Spec(4)], 6, [Name(0), Name(1)]),
        ["ShuffleReply"] = new HyParViewShuffleReply(Spec(1), 3, 9, [Spec(5)], Name(0), [Name(0)]),
        ["KeepAlive"] = new HyParViewKeepAlive(Spec(1), 3),
    };

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Every_message_round_trips_and_is_a_protocol_message(string kind)
    {
        var message = Messages()[kind];
        var copy = Serializer.Deserialize<object>(Serializer.SerializeToArray(message));
        Assert.IsType(message.GetType(), copy);
        Assert.NotSame(message, copy);

        // Records with arrays compare by reference: compare their text, which lists the elements.
        Assert.Equal(Describe(message), Describe(copy));
        Assert.True(NewCore(0).IsProtocolMessage(copy));
    }

    [Fact]
    public void Other_messages_are_not_the_protocols() => Assert.False(NewCore(0).IsProtocolMessage("hello"));

    private static string Describe(object message)
        => string.Join("|", message.GetType().GetProperties().Select(p => p.GetValue(message) switch
        {
            System.Collections.IEnumerable items and not string => string.Join(",", items.Cast<object>()),
            var value => value?.ToString(),
        }));
}
