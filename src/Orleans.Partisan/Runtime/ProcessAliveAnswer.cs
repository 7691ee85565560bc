namespace Orleans.Partisan.Runtime;

/// <summary>The answer to <see cref="ProcessAliveQuestion"/> <see cref="QuestionId"/>.</summary>
/// <param name="QuestionId">The question's number.</param>
/// <param name="Alive">Whether the mailbox is alive.</param>
[GenerateSerializer, Immutable, Alias("partisan.ProcessAliveAnswer")]
internal sealed record ProcessAliveAnswer([property: Id(0)] long QuestionId, [property: Id(1)] bool Alive);
