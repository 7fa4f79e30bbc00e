from checkin_desk.cli import main

raise SystemExit(main())
