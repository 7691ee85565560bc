namespace Orleans.Partisan.Protocols.HyParView;

/// <summary>
/// Nodes known to have left: a leaving DISCONNECT, or <see cref="Leave(NodeName)"/> for a node an outside
/// source declared dead. Their entries still travel in other nodes' shuffles and view samples for a
/// while; taking them back from there would keep a dead node in passive views for good. A node that
/// contacts this one itself (JOIN, NEIGHBOR, a walk's acceptance) is welcome again.
/// </summary>
internal sealed partial class HyParViewCore
{
    // A bounded memory: names are unique per incarnation, so old entries only matter while stale copies circulate.
    private const int RememberedDepartures = 1024;
    private readonly HashSet<NodeName> _departed = [];
    private readonly Queue<NodeName> _departedOrder = new();

    private void Departed(NodeName name)
    {
        if (_departed.Add(name))
        {
            _departedOrder.Enqueue(name);
            if (_departedOrder.Count > RememberedDepartures)
            {
                _departed.Remove(_departedOrder.Dequeue());
            }
        }
    }

    private bool HasDeparted(NodeName name) => _departed.Contains(name);

    private void Returned(NodeName name) => _departed.Remove(name);
}
