from khlang.cli import main

main()
