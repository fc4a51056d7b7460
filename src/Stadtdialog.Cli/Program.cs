using System.CommandLine;
using Stadtdialog.Cli;

var data = new Option<string>("--data")
{
    Description = "Data directory (SQLite database and search indexes)",
    DefaultValueFactory = _ => "data",
    Recursive = true,
};

var root = new RootCommand("Stadtdialog – the municipal chat platform, on the command line.") { data };
root.Subcommands.Add(Commands.Ingest(data));
root.Subcommands.Add(Commands.Sources(data));
root.Subcommands.Add(Commands.Refresh(data));
root.Subcommands.Add(Commands.Ask(data));
root.Subcommands.Add(Commands.Eval(data));
root.Subcommands.Add(Commands.Reindex(data));

return await root.Parse(args).InvokeAsync();
