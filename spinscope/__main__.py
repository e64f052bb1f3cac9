from spinscope.cli import main

main()
