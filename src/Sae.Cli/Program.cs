using Sae.Cli.Commands;

return SaeCommand.Run(args);
