"""`handover reminders …` commands."""

import typer

reminders_cli = typer.Typer(help="Deadline reminders.", no_args_is_help=True)
