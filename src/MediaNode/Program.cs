using Serverless.MediaNode.Hosting;

var app = MediaNodeApp.Build(args);
await app.RunAsync();
