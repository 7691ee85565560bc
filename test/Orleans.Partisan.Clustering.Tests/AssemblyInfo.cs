// The seed groups run Raft with sub-second election timeouts; running test classes one at a time keeps a
// 2-core CI machine from starving heartbeats into spurious elections.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
