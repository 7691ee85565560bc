namespace Orleans.Partisan.Protocols.HyParView;

/// <summary>A JOIN or NEIGHBOR request this node sent and that is not answered yet.</summary>
/// <param name="Candidate">The node asked; it stays in the passive view until it accepts.</param>
/// <param name="Epoch">The epoch the request proposed for the link.</param>
/// <param name="IsJoin">A JOIN (through a contact) rather than a NEIGHBOR request.</param>
/// <param name="Priority">The priority of a NEIGHBOR request; a JOIN is always accepted, like a high one.</param>
internal sealed record PendingRequest(NodeSpec Candidate, long Epoch, bool IsJoin, NeighborPriority Priority = NeighborPriority.High);
