using Orleans.Partisan.Fuzz.Targets;

namespace Orleans.Partisan.Fuzz;

/// <summary>
/// The CI part of the fuzzing: every corpus input (seeds and former crashers) and a short seeded run of every
/// target, each input accepted or refused as its surface documents, within the allocation bound.
/// </summary>
public sealed class FuzzCorpusTests
{
    /// <summary>The seed of the CI run; a failure names the iteration, and the same seed replays it.</summary>
    private const int Seed = 20_260_101;

    public static TheoryData<string> TargetNames() => [.. FuzzRunner.Targets.Select(t => t.Name)];

    [Theory]
    [MemberData(nameof(TargetNames))]
    public void Every_corpus_input_is_accepted_or_refused_as_documented(string name)
    {
        var target = FuzzRunner.Target(name);
        var corpus = Corpus.Read(Corpus.Default, name);
        Assert.True(corpus.Count >= target.Seeds().Count(), $"the corpus of '{name}' should hold every seed (run write-seeds); it has {corpus.Count} inputs");
        foreach (var (input, inputName) in corpus.Select(c => (c.Input, c.Name)))
        {
            // Twice: the first run of a type loads and caches what the second must not allocate again.
            FuzzRunner.RunOne(target, input);
            var outcome = FuzzRunner.RunOne(target, input);
            Assert.True(outcome.Finding is null, $"{name}/{inputName}: {outcome.Finding}");
        }
    }

    [Theory]
    [MemberData(nameof(TargetNames))]
    public void A_short_seeded_run_finds_nothing(string name)
    {
        var target = FuzzRunner.Target(name);
        var corpus = Corpus.Read(Corpus.Default, name).Select(c => c.Input).ToList();
        foreach (var input in corpus)
        {
            FuzzRunner.RunOne(target, input);
        }

        var report = FuzzRunner.Run(target, corpus, Seed, count: 20_000, maxLength: 4096, duration: TimeSpan.FromSeconds(3));
        Assert.True(report.Inputs >= 500, $"the run should get through at least 500 inputs in 3 s: {report}");
        Assert.True(report.Findings.Count == 0, $"{report}\n{string.Join("\n", report.Findings.Select(f => $"iteration {f.Iteration}: {f.Finding}"))}");
    }

    [Fact]
    public void Values_that_crashed_or_swamped_Orleans_decoder_are_refused_before_it_reads_them()
    {
        var wire = new WireTarget();

        // 100,000 nested arrays overflowed the stack (the process ended); 128 levels is the limit.
        var deep = FuzzRunner.RunOne(wire, [0, .. HostileValues.DeepNesting(100_000)]);
        Assert.Null(deep.Finding);
        Assert.Contains("InvalidDataException", deep.Result, StringComparison.Ordinal);

        // 9,362 empty arrays in 64 KiB allocated 1.2 GB; now a budget of 64 bytes per input byte stops them.
        byte[] quadratic = [0, .. HostileValues.QuadraticClaims(9_362)];
        var claims = FuzzRunner.RunOne(wire, quadratic);
        Assert.Null(claims.Finding);
        Assert.Contains("InvalidDataException", claims.Result, StringComparison.Ordinal);
        Assert.True(claims.Allocated <= FuzzRunner.AllocationBound(quadratic.Length), $"allocated {claims.Allocated} B");

        // The same through the table service.
        var table = FuzzRunner.RunOne(new TableRequestTarget(), Frames.Wrap(HostileValues.QuadraticClaims(9_000)));
        Assert.Null(table.Finding);
        Assert.Contains("InvalidDataException", table.Result, StringComparison.Ordinal);
    }

    [Fact]
    public void A_frame_naming_a_type_nobody_registered_is_refused()
    {
        foreach (var type in new[] { "System.Diagnostics.Process, System.Diagnostics.Process", typeof(Unregistered).FullName + ", " + typeof(Unregistered).Assembly.GetName().Name, "System.InvalidOperationException" })
        {
            var error = Assert.Throws<InvalidDataException>(() => new WireTarget().Run([0, .. HostileValues.NamedType(type)]));
            Assert.Contains("not allowed", error.ToString(), StringComparison.Ordinal);
        }
    }
}
