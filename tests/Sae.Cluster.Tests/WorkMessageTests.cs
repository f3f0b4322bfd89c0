namespace Sae.Cluster.Tests;

public class WorkMessageTests
{
    [Fact]
    public void TryParse_ToJsonOutput_SameMessage()
    {
        var m = new WorkMessage(WorkMessage.Compare, "tiny-01ab", "a__b", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01");
        Assert.Equal(m, WorkMessage.TryParse(m.ToJson()));
    }

    [Theory]
    [InlineData("")]
    [InlineData("garbage")]
    [InlineData("null")]
    [InlineData("42")]
    [InlineData("[]")]
    [InlineData("{}")]
    [InlineData("{\"kind\":\"train\"")]
    [InlineData("{\"kind\":\"delete\",\"sweep\":\"s\",\"id\":\"j\"}")]
    [InlineData("{\"kind\":\"train\",\"sweep\":\"\",\"id\":\"j\"}")]
    [InlineData("{\"kind\":\"train\",\"sweep\":\"s\"}")]
    [InlineData("{\"kind\":7,\"sweep\":\"s\",\"id\":\"j\"}")]
    public void TryParse_NotAWorkMessage_Null(string body) => Assert.Null(WorkMessage.TryParse(body));

    [Fact]
    public void TryParse_MinimalTrain_Parsed() =>
        Assert.Equal(new WorkMessage("train", "s", "j"), WorkMessage.TryParse("{\"kind\":\"train\",\"sweep\":\"s\",\"id\":\"j\"}"));
}
