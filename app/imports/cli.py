"""`handover import …` commands."""

import typer

import_cli = typer.Typer(help="Import contracts from open data.", no_args_is_help=True)
