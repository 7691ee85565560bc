namespace T; public class A { [Fact] public void B() => Assert.True(true); }
