"""The public portal: submit an appeal, track it with its number and query code, rate it or object."""
