namespace Orleans.Partisan.Runtime;

/// <summary>Whether mailbox <see cref="Process"/> of the receiving node is alive; answered with a <see cref="ProcessAliveAnswer"/>.</summary>
/// <param name="QuestionId">The asker's number for the question, echoed in the answer.</param>
/// <param name="Process">The mailbox.</param>
[GenerateSerializer, Immutable, Alias("partisan.ProcessAliveQuestion")]
internal sealed record ProcessAliveQuestion([property: Id(0)] long QuestionId, [property: Id(1)] ProcessRef Process);
