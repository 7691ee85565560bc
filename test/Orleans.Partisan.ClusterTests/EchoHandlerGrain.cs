namespace Orleans.Partisan.ClusterTests;

/// <summary>A grain that answers calls by its return value.</summary>
public interface IEchoHandlerGrain : IPartisanRequestHandler, IGrainWithStringKey;

public sealed class EchoHandlerGrain : Grain, IEchoHandlerGrain
{
    public async Task<object?> HandleCall(ReceivedMessage request)
    {
        var ping = (Ping)request.Message;
        switch (ping.Text)
        {
            case "throw":
                throw new ArgumentException("bad ping, on purpose");
            case "reply yourself":
                // A grain's copy of the request cannot reply: the return value is the reply.
                var refused = await Record.ExceptionAsync(() => request.ReplyAsync(new Ping("direct")).AsTask());
                return new Ping(refused?.GetType().Name ?? "no error");
            default:
                return new Ping($"re: {ping.Text} from {this.GetPrimaryKeyString()}", request.CallRef);
        }
    }
}
