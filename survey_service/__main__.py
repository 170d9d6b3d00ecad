from survey_service.cli import main

main()
