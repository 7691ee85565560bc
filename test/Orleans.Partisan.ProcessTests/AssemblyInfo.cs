// Each test runs five silo processes (and Raft with sub-second election timeouts among its seeds); two tests at
// once on a 2-core machine made ten, starving the seeds into elections and the frozen-silo test past its 10 s
// bound. One test class at a time.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
