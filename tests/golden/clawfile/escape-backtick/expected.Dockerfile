# escape=`
FROM mcr.microsoft.com/windows/nanoserver:ltsc2022
RUN dir C:\ `
    && echo done

LABEL claw.type="generic"
LABEL claw.configure.0="generic config set paths.home C:\Users\claw"
LABEL claw.configure.1="generic config set greeting `"hello ``world`` `$USER`""
