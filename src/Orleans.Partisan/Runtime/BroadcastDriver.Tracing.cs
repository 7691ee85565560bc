using System.Diagnostics;
using Orleans.Partisan.Protocols.Broadcast;

namespace Orleans.Partisan.Runtime;

/// <summary>The broadcast driver's spans: a broadcast's producer span, and a delivery's consumer span, its child.</summary>
internal sealed partial class BroadcastDriver
{
    private async Task<bool> TracedBroadcastAsync(BroadcastHandlerRegistration registration, object message, CancellationToken cancellationToken)
    {
        using var activity = PartisanTelemetry.Source.StartActivity(PartisanTelemetry.BroadcastSpan, ActivityKind.Producer);
        activity?.SetTag("partisan.broadcast.handler", registration.Name);
        try
        {
            return await BroadcastAsync(registration, message, TraceContext.Of(activity), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception)
        {
            activity?.SetStatus(ActivityStatusCode.Error, exception.Message);
            throw;
        }
    }

    private async Task<bool> TracedMergeAsync(BroadcastHandlerRegistration handler, NodeName from, BroadcastGossip gossip)
    {
        using var activity = PartisanTelemetry.Source.StartActivity(PartisanTelemetry.BroadcastDeliverSpan, ActivityKind.Consumer, gossip.Trace?.ToParent() ?? default);
        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag("partisan.broadcast.handler", handler.Name);
            activity.SetTag("partisan.broadcast.root", gossip.Root.Value);
            activity.SetTag("partisan.broadcast.round", gossip.Round);
            activity.SetTag("partisan.node", from.Value);
        }

        try
        {
            var isNew = await Invoker.MergeAsync(handler, gossip.MessageId, gossip.Payload).WaitAsync(_handlerTimeout, _time, _stopping.Token).ConfigureAwait(false);
            activity?.SetTag("partisan.broadcast.new", isNew);
            return isNew;
        }
        catch (Exception exception)
        {
            activity?.SetStatus(ActivityStatusCode.Error, exception.Message);
            throw;
        }
    }
}
